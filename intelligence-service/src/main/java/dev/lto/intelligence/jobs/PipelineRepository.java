package dev.lto.intelligence.jobs;

import static dev.lto.intelligence.storage.StoredTime.instant;
import static dev.lto.intelligence.storage.StoredTime.utc;

import dev.lto.contracts.JobPriority;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.simulator.spi.SignalIntermediates;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pipeline's tables beyond intake (schema-pipeline.sql): dispatch state, stored results,
 * evaluations, reviews, training buffer. Writes happen under the lifecycle's writer lock.
 */
@Repository
class PipelineRepository {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PipelineRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Dispatch row of a job entering QUEUED from preflight (idempotent). */
    void enqueue(String jobId, JobPriority priority, Instant at) {
        jdbc.sql("""
                        INSERT INTO job_dispatch (job_id, priority, queued_at, not_before, attempt)
                        VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING""")
                .params(jobId, priority.rank(), utc(at), utc(at)).update();
    }

    record Dispatch(String jobId, int priority, Instant queuedAt, int attempt, String deviceClass, Instant dispatchedAt,
                    String lastError) {
    }

    Optional<Dispatch> dispatch(String jobId) {
        return jdbc.sql("SELECT * FROM job_dispatch WHERE job_id = ?").param(jobId)
                .query((rs, i) -> dispatchRow(rs)).optional();
    }

    /**
     * QUEUED jobs that may run now, best first: priority rank plus one rank per {@code agingSeconds}
     * waited (so a LOW job overtakes newer HIGH ones eventually), then first come first served.
     * {@code surrogate} restricts to jobs with that surrogate switch (one pool's jobs); null = all.
     * Jobs whose result is already stored (ingested) are left to the lifecycle.
     */
    List<Dispatch> dispatchable(Instant now, double agingSeconds, int limit, Boolean surrogate) {
        return jdbc.sql("""
                        SELECT d.* FROM job_dispatch d JOIN simulation_jobs j USING (job_id)
                        WHERE j.status = 'QUEUED' AND d.not_before <= ?
                          AND (? OR j.use_ai_surrogate = ?)
                          AND NOT EXISTS (SELECT 1 FROM simulation_results r WHERE r.job_id = d.job_id)
                        ORDER BY d.priority + date_diff('millisecond', d.queued_at, ?::TIMESTAMP) / (1000.0 * ?) DESC, d.queued_at, d.job_id
                        LIMIT ?""")
                .params(utc(now), surrogate == null, surrogate != null && surrogate, utc(now), agingSeconds, limit)
                .query((rs, i) -> dispatchRow(rs)).list();
    }

    /** RUNNING jobs per device class. */
    Map<String, Integer> runningByDeviceClass() {
        Map<String, Integer> m = new HashMap<>();
        jdbc.sql("""
                        SELECT d.device_class, count(*) AS n FROM job_dispatch d JOIN simulation_jobs j USING (job_id)
                        WHERE j.status = 'RUNNING' AND d.device_class IS NOT NULL GROUP BY d.device_class""")
                .query(rs -> {
                    m.put(rs.getString("device_class"), rs.getInt("n"));
                });
        return m;
    }

    long queuedCount() {
        return jdbc.sql("SELECT count(*) FROM simulation_jobs WHERE status = 'QUEUED'").query(Long.class).single();
    }

    /** The RUNNING jobs as {@code job_id (attempt n, device, running s)}, longest first, for the logs. */
    String runningSummary(Instant now) {
        return String.join(", ", jdbc.sql("""
                        SELECT d.job_id, d.attempt, d.device_class, d.dispatched_at FROM job_dispatch d JOIN simulation_jobs j USING (job_id)
                        WHERE j.status = 'RUNNING' ORDER BY d.dispatched_at LIMIT 8""")
                .query((rs, i) -> rs.getString("job_id") + " (attempt " + rs.getInt("attempt") + ", " + rs.getString("device_class")
                        + ", " + (rs.getTimestamp("dispatched_at") == null ? "?"
                        : java.time.Duration.between(instant(rs, "dispatched_at"), now).toSeconds()) + " s)")
                .list());
    }

    /** RUNNING jobs dispatched before {@code cutoff} that have no result: their attempt is presumed lost. */
    List<Dispatch> overdue(Instant cutoff) {
        return jdbc.sql("""
                        SELECT d.* FROM job_dispatch d JOIN simulation_jobs j USING (job_id)
                        WHERE j.status = 'RUNNING' AND d.dispatched_at < ?
                          AND NOT EXISTS (SELECT 1 FROM simulation_results r WHERE r.job_id = d.job_id)""")
                .param(utc(cutoff)).query((rs, i) -> dispatchRow(rs)).list();
    }

    void markDispatched(String jobId, int attempt, String deviceClass, Instant at) {
        jdbc.sql("UPDATE job_dispatch SET attempt = ?, device_class = ?, dispatched_at = ? WHERE job_id = ?")
                .params(attempt, deviceClass, utc(at), jobId).update();
    }

    void markRetry(String jobId, Instant notBefore, String error) {
        jdbc.sql("UPDATE job_dispatch SET not_before = ?, last_error = ? WHERE job_id = ?")
                .params(utc(notBefore), error, jobId).update();
    }

    void markFailed(String jobId, String error) {
        jdbc.sql("UPDATE job_dispatch SET last_error = ? WHERE job_id = ?").params(error, jobId).update();
    }

    /** Stores a job's result once; false when one is already stored (a duplicate or a late answer). */
    boolean storeResult(String jobId, Integer attempt, String source, String worker, SimulationResult result) {
        return jdbc.sql("""
                        INSERT INTO simulation_results (job_id, attempt, source, worker, received_at, result)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(jobId, attempt, source, worker, utc(Instant.now()), json.writeValueAsString(result))
                .update() == 1;
    }

    record StoredResult(SimulationResult result, Integer attempt, String source, String worker) {
    }

    Optional<StoredResult> result(String jobId) {
        return jdbc.sql("SELECT result, attempt, source, worker FROM simulation_results WHERE job_id = ?").param(jobId)
                .query((rs, i) -> new StoredResult(json.readValue(rs.getString("result"), SimulationResult.class),
                        (Integer) rs.getObject("attempt"), rs.getString("source"), rs.getString("worker")))
                .optional();
    }

    /** Copies a result into the seed's simulation_jobs columns. */
    void recordOutputs(String jobId, SimulationResult r) {
        TradeoffSignals s = r.tradeoffSignals();
        jdbc.sql("""
                        UPDATE simulation_jobs SET simulator_version = ?, adapter_type = ?, resolution_nm = ?, depth_of_focus_nm = ?,
                            pattern_fidelity = ?, compute_time_s = ?, speed_vs_accuracy = ?, resolution_vs_dof = ?,
                            cost_vs_fidelity = ?, surrogate_reliability = ?, yield_risk = ?, overall_health = ?
                        WHERE job_id = ?""")
                .params(r.simulatorVersion(), r.adapterType(), r.outputs().resolutionNm(), r.outputs().depthOfFocusNm(),
                        r.outputs().patternFidelity(), r.computeStats().computeTimeS(), s.speedVsAccuracy(), s.resolutionVsDof(),
                        s.costVsFidelity(), s.surrogateReliability(), s.yieldRisk(), s.overallHealth(), jobId)
                .update();
    }

    void storeEvaluation(String jobId, Evaluation e) {
        jdbc.sql("""
                        INSERT INTO job_evaluations (job_id, evaluated_at, anomaly, signals_inside, evaluation)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(jobId, utc(e.evaluatedAt()), e.anomaly(), e.signalsInside(), json.writeValueAsString(e)).update();
    }

    Optional<Evaluation> evaluation(String jobId) {
        return jdbc.sql("SELECT evaluation FROM job_evaluations WHERE job_id = ?").param(jobId)
                .query((rs, i) -> json.readValue(rs.getString("evaluation"), Evaluation.class)).optional();
    }

    /**
     * A completed job for the next retraining: parameters, actual signals, k₁ and the intermediates its signals were
     * composed from (null when its adapter does not compose them: the job can then only be held out).
     */
    void addToTrainingBuffer(String jobId, SimulationResult r, SignalIntermediates intermediates, boolean anomaly) {
        Double k1 = r.outputs().k1();
        double[] stored = intermediates == null ? null : CampaignStore.physical(intermediates);
        if (stored != null && !java.util.Arrays.stream(stored).allMatch(Double::isFinite)) {
            stored = null; // nothing to learn from; the job is still held out on its signals
        }
        jdbc.sql("""
                        INSERT INTO training_buffer (job_id, added_at, adapter_type, simulator_version, parameters, signals, k1, anomaly,
                            intermediates)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::DOUBLE[]) ON CONFLICT DO NOTHING""")
                .params(jobId, utc(Instant.now()), r.adapterType(), r.simulatorVersion(), json.writeValueAsString(r.parameters()),
                        json.writeValueAsString(r.tradeoffSignals()), k1, anomaly,
                        CampaignStore.list(stored))
                .update();
    }

    void recordReview(String jobId, String action, String reviewer, String note, Instant at) {
        int seq = jdbc.sql("SELECT coalesce(max(seq), 0) + 1 FROM job_reviews WHERE job_id = ?").param(jobId)
                .query(Integer.class).single();
        jdbc.sql("INSERT INTO job_reviews (job_id, seq, action, reviewer, note, reviewed_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(jobId, seq, action, reviewer, note, utc(at)).update();
    }

    record Review(String action, String reviewer, String note, Instant at) {
    }

    List<Review> reviews(String jobId) {
        return jdbc.sql("SELECT action, reviewer, note, reviewed_at FROM job_reviews WHERE job_id = ? ORDER BY seq").param(jobId)
                .query((rs, i) -> new Review(rs.getString("action"), rs.getString("reviewer"), rs.getString("note"),
                        instant(rs, "reviewed_at")))
                .list();
    }

    private static Dispatch dispatchRow(ResultSet rs) throws SQLException {
        return new Dispatch(rs.getString("job_id"), rs.getInt("priority"), instant(rs, "queued_at"), rs.getInt("attempt"),
                rs.getString("device_class"), instant(rs, "dispatched_at"), rs.getString("last_error"));
    }


}
