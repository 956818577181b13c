package dev.lto.intelligence.jobs;

import static dev.lto.intelligence.storage.StoredTime.instant;
import static dev.lto.intelligence.storage.StoredTime.utc;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.platform.streams.StreamTracing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs and their state history in DuckDB ({@code simulation_jobs}, {@code job_submissions},
 * {@code job_state_history}). Timestamps are stored as UTC.
 */
@Repository
class JobRepository {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    /** Each history row keeps the trace context of the work that wrote it (empty without the agent). */
    private final StreamTracing tracing;
    private final JobViews views;

    JobRepository(JdbcClient jdbc, JsonMapper json, StreamTracing tracing, JobViews views) {
        this.jdbc = jdbc;
        this.json = json;
        this.tracing = tracing;
        this.views = views;
    }

    /** Inserts the job in state SUBMITTED with its first history row; false when the id is already known. */
    boolean insertIfAbsent(JobParameters p, Instant submittedAt, String adapterType, String eventId) {
        int inserted = jdbc.sql("""
                        INSERT INTO simulation_jobs (job_id, submitted_at, status, submitted_by, job_class, adapter_type,
                            na, wavelength_nm, dose_mj_cm2, sigma, resist_thickness_nm, grid_size_nm, use_ai_surrogate, pattern_complexity)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(p.jobId(), utc(submittedAt), JobState.SUBMITTED.name(), p.submittedBy(), p.jobClass(), adapterType,
                        p.na(), p.wavelengthNm(), p.doseMjCm2(), p.sigma(), p.resistThicknessNm(), p.gridSizeNm(),
                        p.useAiSurrogate(), p.patternComplexity() == null ? null : p.patternComplexity().name())
                .update();
        if (inserted == 0) {
            return false;
        }
        views.changed(p.jobId());
        jdbc.sql("INSERT INTO job_submissions (job_id, parameters, event_id, received_at) VALUES (?, ?, ?, ?)")
                .params(p.jobId(), json.writeValueAsString(p), eventId, utc(Instant.now()))
                .update();
        appendHistory(p.jobId(), 1, null, JobState.SUBMITTED, submittedAt, null);
        return true;
    }

    /**
     * One submission of a batch to store.
     * @param traceContext W3C headers of the submission's consumer span, kept with the SUBMITTED row
     *                     so the intake's stages and the SUBMITTED event continue the job's trace
     * @param keyOwner     owner of the API key that submitted the job (null with auth off): who may cancel it
     */
    record NewJob(JobParameters parameters, Instant submittedAt, String adapterType, String eventId,
                  Map<String, String> traceContext, String keyOwner) {
    }

    /**
     * Stores a batch of submissions (distinct job ids) as {@link #insertIfAbsent} does, with a few
     * multi-row statements instead of three per job; returns the ids it inserted (the others were
     * known). Call inside the caller's transaction, holding the writer lock.
     */
    Set<String> insertAllIfAbsent(List<NewJob> batch) {
        if (batch.isEmpty()) {
            return Set.of();
        }
        Set<String> known = new HashSet<>(jdbc.sql("SELECT job_id FROM simulation_jobs WHERE job_id IN (:ids)")
                .param("ids", batch.stream().map(j -> j.parameters().jobId()).toList()).query(String.class).list());
        List<NewJob> fresh = batch.stream().filter(j -> !known.contains(j.parameters().jobId())).toList();
        fresh.forEach(j -> views.changed(j.parameters().jobId()));
        Instant now = Instant.now();
        for (int from = 0; from < fresh.size(); from += 100) {
            List<NewJob> chunk = fresh.subList(from, Math.min(fresh.size(), from + 100));
            List<Object> jobRows = new ArrayList<>();
            List<Object> submissionRows = new ArrayList<>();
            List<Object> historyRows = new ArrayList<>();
            for (NewJob j : chunk) {
                JobParameters p = j.parameters();
                Collections.addAll(jobRows, p.jobId(), utc(j.submittedAt()), JobState.SUBMITTED.name(), p.submittedBy(),
                        p.jobClass(), j.adapterType(), p.na(), p.wavelengthNm(), p.doseMjCm2(), p.sigma(), p.resistThicknessNm(),
                        p.gridSizeNm(), p.useAiSurrogate(), p.patternComplexity() == null ? null : p.patternComplexity().name(),
                        j.keyOwner());
                Collections.addAll(submissionRows, p.jobId(), json.writeValueAsString(p), j.eventId(), utc(now));
                Collections.addAll(historyRows, p.jobId(), 1, null, JobState.SUBMITTED.name(), utc(j.submittedAt()), null,
                        j.traceContext() == null || j.traceContext().isEmpty() ? null : json.writeValueAsString(j.traceContext()));
            }
            jdbc.sql("""
                            INSERT INTO simulation_jobs (job_id, submitted_at, status, submitted_by, job_class, adapter_type,
                                na, wavelength_nm, dose_mj_cm2, sigma, resist_thickness_nm, grid_size_nm, use_ai_surrogate, pattern_complexity,
                                key_owner)
                            VALUES """ + rows(chunk.size(), 15))
                    .params(jobRows).update();
            jdbc.sql("INSERT INTO job_submissions (job_id, parameters, event_id, received_at) VALUES " + rows(chunk.size(), 4))
                    .params(submissionRows).update();
            jdbc.sql("INSERT INTO job_state_history (job_id, seq, from_state, to_state, changed_at, reason, trace_context) VALUES "
                            + rows(chunk.size(), 7))
                    .params(historyRows).update();
        }
        return fresh.stream().map(j -> j.parameters().jobId()).collect(Collectors.toSet());
    }

    /** The owner of the API key that submitted the job; empty for an unknown job, one submitted with auth off or ingested. */
    Optional<String> keyOwner(String jobId) {
        return jdbc.sql("SELECT key_owner FROM simulation_jobs WHERE job_id = ? AND key_owner IS NOT NULL")
                .param(jobId).query(String.class).optional();
    }

    private static String rows(int n, int columns) {
        String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
        return String.join(", ", Collections.nCopies(n, row));
    }

    /**
     * Moves a job from {@code from} to {@code to} if it is still in {@code from}; false when another
     * writer got there first (the caller re-reads). Legality is the caller's check ({@link JobState#moveTo}).
     */
    boolean updateState(String jobId, JobState from, JobState to, Instant at, String reason, boolean terminal) {
        views.changed(jobId);
        int updated = jdbc.sql("UPDATE simulation_jobs SET status = ?, completed_at = ? WHERE job_id = ? AND status = ?")
                .params(to.name(), terminal ? utc(at) : null, jobId, from.name())
                .update();
        if (updated == 0) {
            return false;
        }
        int seq = jdbc.sql("SELECT coalesce(max(seq), 0) + 1 FROM job_state_history WHERE job_id = ?")
                .param(jobId).query(Integer.class).single();
        appendHistory(jobId, seq, from, to, at, reason);
        return true;
    }

    private void appendHistory(String jobId, int seq, JobState from, JobState to, Instant at, String reason) {
        Map<String, String> trace = tracing.currentContext();
        jdbc.sql("""
                        INSERT INTO job_state_history (job_id, seq, from_state, to_state, changed_at, reason, trace_context)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(jobId, seq, from == null ? null : from.name(), to.name(), utc(at), reason,
                        trace.isEmpty() ? null : json.writeValueAsString(trace))
                .update();
    }

    /**
     * The trace context of the job's latest transition: the parent of work on the job that no message
     * of it started (dispatch, watchdog, resume), so that work joins the job's one trace. Empty when none.
     */
    Map<String, String> traceContext(String jobId) {
        return jdbc.sql("SELECT trace_context FROM job_state_history WHERE job_id = ? AND trace_context IS NOT NULL "
                        + "ORDER BY seq DESC LIMIT 1")
                .param(jobId).query(String.class).optional().map(this::headers).orElse(Map.of());
    }

    private Map<String, String> headers(String stored) {
        return stored == null ? Map.of() : json.readValue(stored, HEADERS);
    }

    /** Keeps a submission that reused {@code p.jobId()} with other parameters; idempotent on the event id. */
    void recordConflict(JobParameters p, String eventId) {
        views.changed(p.jobId());
        jdbc.sql("INSERT INTO job_submission_conflicts (event_id, job_id, parameters, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(eventId, p.jobId(), json.writeValueAsString(p), utc(Instant.now()))
                .update();
    }

    long conflicts(String jobId) {
        return jdbc.sql("SELECT count(*) FROM job_submission_conflicts WHERE job_id = ?").param(jobId).query(Long.class).single();
    }

    Optional<JobRecord> find(String jobId) {
        return jdbc.sql("""
                        SELECT j.job_id, j.status, j.adapter_type, j.submitted_at, j.completed_at, s.parameters
                        FROM simulation_jobs j JOIN job_submissions s USING (job_id) WHERE j.job_id = ?""")
                .param(jobId)
                .query((rs, i) -> new JobRecord(rs.getString("job_id"),
                        json.readValue(rs.getString("parameters"), JobParameters.class),
                        JobState.valueOf(rs.getString("status")), rs.getString("adapter_type"),
                        instant(rs, "submitted_at"), instant(rs, "completed_at")))
                .optional();
    }

    List<StateChange> history(String jobId) {
        return jdbc.sql("SELECT seq, from_state, to_state, changed_at, reason FROM job_state_history WHERE job_id = ? ORDER BY seq")
                .param(jobId)
                .query((rs, i) -> new StateChange(rs.getInt("seq"),
                        rs.getString("from_state") == null ? null : JobState.valueOf(rs.getString("from_state")),
                        JobState.valueOf(rs.getString("to_state")), instant(rs, "changed_at"), rs.getString("reason")))
                .list();
    }

    /**
     * History rows whose event has not reached {@code lto.events} yet, per job in sequence order
     * (not by timestamp: the first row's time comes from the submitting host's clock).
     */
    List<PendingStateEvent> unpublished(int limit) {
        // A BLOCKED change carries the gate's closest alternative (stored in the same transaction).
        return jdbc.sql("""
                        SELECT h.job_id, h.seq, h.from_state, h.to_state, h.changed_at, h.reason, h.trace_context,
                               CASE WHEN h.to_state = 'BLOCKED' THEN CAST(json_extract(p.alternatives, '$[0]') AS VARCHAR) END AS best_alternative
                        FROM job_state_history h LEFT JOIN preflight_decisions p ON p.job_id = h.job_id
                        WHERE NOT h.published ORDER BY h.job_id, h.seq LIMIT ?""")
                .param(limit)
                .query((rs, i) -> new PendingStateEvent(rs.getString("job_id"), new StateChange(rs.getInt("seq"),
                        rs.getString("from_state") == null ? null : JobState.valueOf(rs.getString("from_state")),
                        JobState.valueOf(rs.getString("to_state")), instant(rs, "changed_at"), rs.getString("reason")),
                        rs.getString("best_alternative"), headers(rs.getString("trace_context"))))
                .list();
    }

    /**
     * Marks each job's history rows {@code range[0]..range[1]} as published in one statement: outside a
     * transaction every statement is a DuckDB commit, and one per job made a 200-job flush 200 commits.
     */
    void markPublished(Map<String, int[]> rangesByJob) {
        List<Map.Entry<String, int[]>> ranges = List.copyOf(rangesByJob.entrySet());
        for (int from = 0; from < ranges.size(); from += 500) {
            List<Map.Entry<String, int[]>> chunk = ranges.subList(from, Math.min(ranges.size(), from + 500));
            List<Object> params = new ArrayList<>();
            chunk.forEach(r -> Collections.addAll(params, r.getKey(), r.getValue()[0], r.getValue()[1]));
            jdbc.sql("UPDATE job_state_history AS h SET published = true FROM (VALUES " + rows(chunk.size(), 3)
                            + ") AS r(job_id, lo, hi) WHERE h.job_id = r.job_id AND h.seq BETWEEN r.lo AND r.hi")
                    .params(params).update();
        }
    }

    /** Ids of the jobs currently in one of {@code states}, oldest submission first. */
    List<String> jobsIn(List<JobState> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT job_id FROM simulation_jobs WHERE status IN (:states) ORDER BY submitted_at")
                .param("states", states.stream().map(Enum::name).toList())
                .query(String.class).list();
    }

    /** SUBMITTED jobs in the order they were received (the intake's queue after a restart). */
    List<String> submittedInArrivalOrder() {
        return jdbc.sql("""
                        SELECT j.job_id FROM simulation_jobs j JOIN job_submissions s USING (job_id)
                        WHERE j.status = 'SUBMITTED' ORDER BY s.received_at, j.submitted_at, j.job_id""")
                .query(String.class).list();
    }

    /**
     * Jobs a stage should look at again: those waiting in a state whose stage decides by itself
     * (VALIDATING, PREFLIGHT, EVALUATING) and QUEUED or RUNNING jobs that hold a result. SUBMITTED
     * jobs are the intake's ({@link Intake}), which takes them in arrival order.
     */
    List<String> stalled() {
        return jdbc.sql("""
                        SELECT job_id FROM simulation_jobs j
                        WHERE status IN ('VALIDATING', 'PREFLIGHT', 'EVALUATING')
                           OR (status IN ('QUEUED', 'RUNNING') AND EXISTS (SELECT 1 FROM simulation_results r WHERE r.job_id = j.job_id))
                        ORDER BY submitted_at""")
                .query(String.class).list();
    }

    /**
     * @param bestAlternative for a BLOCKED change, the gate's closest alternative as JSON; else null
     * @param traceContext W3C headers of the work that made the change, carried by the published event
     */
    record PendingStateEvent(String jobId, StateChange change, String bestAlternative, Map<String, String> traceContext) {
    }


}
