package dev.lto.engine.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.engine.EngineApi;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.engine.training.EnsembleTrainer;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retrain runs (seed §6): one at a time, in the background; the data (campaign jobs + completed jobs
 * from the training buffer) with its provenance, the candidate's offline gates (every {@link ModelMetrics}
 * gate) and "not worse than production on the same held-out jobs". A candidate that fails is
 * discarded with its reasons; one that passes becomes the shadow candidate (never promoted here),
 * superseding an older shadow. Both outcomes are announced. Each run is a row of
 * {@code model_retrain_runs} (its JSON rewritten at each step), so its progress and outcome survive.
 */
@EngineApi
public final class Retraining {

    private static final Logger log = LoggerFactory.getLogger(Retraining.class);
    /** The gate a candidate must pass beside its own gates. */
    public static final String NOT_WORSE = "not_worse_than_production";

    public enum State { RUNNING, SHADOW, DISCARDED, FAILED }

    /**
     * Where a run's jobs came from.
     *
     * @param bufferSplits                   the used buffer jobs per split (train, calibration, validation, test): what
     *                                       the candidate learned from and what only measured it
     * @param bufferJobsWithoutIntermediates used buffer jobs stored without intermediates (only held out, in test)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Provenance(@JsonProperty("campaigns") List<String> campaigns,
                             @JsonProperty("campaign_jobs") int campaignJobs,
                             @JsonProperty("buffer_jobs") int bufferJobs,
                             @JsonProperty("buffer_jobs_skipped") int bufferJobsSkipped,
                             @JsonProperty("buffer_splits") java.util.Map<String, Integer> bufferSplits,
                             @JsonProperty("buffer_jobs_without_intermediates") Integer bufferJobsWithoutIntermediates,
                             @JsonProperty("buffer_from") Instant bufferFrom,
                             @JsonProperty("buffer_to") Instant bufferTo,
                             @JsonProperty("buffer_use") String bufferUse) {
    }

    /** A run's jobs and their provenance. */
    public record TrainingData(List<CampaignSample> samples, Provenance provenance) {
    }

    /** One run as {@code GET /api/v1/models/retrain/{id}} shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Run(@JsonProperty("run_id") String runId, @JsonProperty("trigger") String trigger,
                      @JsonProperty("requested_by") String requestedBy, @JsonProperty("reason") String reason,
                      @JsonProperty("state") State state, @JsonProperty("step") String step,
                      @JsonProperty("started_at") Instant startedAt, @JsonProperty("finished_at") Instant finishedAt,
                      @JsonProperty("provenance") Provenance provenance,
                      @JsonProperty("candidate_version") String candidateVersion,
                      @JsonProperty("production_version") String productionVersion,
                      @JsonProperty("train_seconds") Double trainSeconds,
                      @JsonProperty("gates") List<ModelMetrics.Gate> gates,
                      @JsonProperty("reasons") List<String> reasons) {

        Run step(String s) {
            return new Run(runId, trigger, requestedBy, reason, state, s, startedAt, finishedAt, provenance, candidateVersion,
                    productionVersion, trainSeconds, gates, reasons);
        }
    }

    private final TradeoffEngine engine;
    private final ModelRegistry registry;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final double notWorseTolerance;
    private final Supplier<TrainingData> data;
    private final Consumer<ModelLifecycle.Announcement> announce;
    private volatile Run running;

    /**
     * @param notWorseTolerance how far (fraction, e.g. 0.005 = 0.5 points) the candidate's accuracy and critical
     *                          accuracy may lie below production's on the same held-out jobs
     * @param data              the jobs of a run (read when the run starts, on its thread)
     */
    public Retraining(TradeoffEngine engine, ModelRegistry registry, JdbcClient jdbc, JsonMapper json, Clock clock,
                      double notWorseTolerance, Supplier<TrainingData> data, Consumer<ModelLifecycle.Announcement> announce) {
        this.engine = engine;
        this.registry = registry;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.notWorseTolerance = notWorseTolerance;
        this.data = data;
        this.announce = announce;
    }

    /**
     * Starts a run in the background and returns it (state RUNNING); {@link LifecycleConflict} with
     * {@code running_id} while another runs.
     */
    public synchronized Run start(String trigger, String actor, String reason) {
        Run r = running;
        if (r != null) {
            throw new LifecycleConflict("a retrain run is already running: " + r.runId(),
                    java.util.Map.of("running_id", r.runId()));
        }
        Instant now = clock.instant();
        // Time for reading, a random part so that two services (or a restarted one) never collide.
        String id = "retrain_" + now.toEpochMilli() + "_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Run run = new Run(id, trigger, actor, reason, State.RUNNING, "queued", now, null, null, null, null, null, null, null);
        running = run; // before the row exists: a stored RUNNING row without a running run reads as interrupted
        try {
            jdbc.sql("INSERT INTO model_retrain_runs (run_id, started_at, state, run) VALUES (?, ?, ?, ?)")
                    .params(id, Timestamp.from(now), run.state().name(), json.writeValueAsString(run)).update();
        } catch (RuntimeException e) {
            running = null;
            throw e;
        }
        Thread.ofPlatform().name("model-retrain").daemon().start(() -> execute(run));
        return run;
    }

    public Optional<Run> running() {
        return Optional.ofNullable(running);
    }

    public Optional<Run> find(String runId) {
        Run r = running;
        if (r != null && r.runId().equals(runId)) {
            return Optional.of(r);
        }
        return jdbc.sql("SELECT run FROM model_retrain_runs WHERE run_id = ?").param(runId).query(String.class).optional()
                .map(this::stored);
    }

    /** The latest runs, newest first. */
    public List<Run> latest(int limit) {
        return jdbc.sql("SELECT run FROM model_retrain_runs ORDER BY started_at DESC LIMIT ?").param(limit)
                .query(String.class).list().stream().map(this::stored).toList();
    }

    /**
     * A stored run; one stored as RUNNING that this process is not running was cut off by a stop of the
     * service (runs are not resumed): it reads as FAILED, so nobody waits on it.
     */
    private Run stored(String text) {
        Run r = json.readValue(text, Run.class);
        Run now = running;
        if (r.state() != State.RUNNING || now != null && now.runId().equals(r.runId())) {
            return r;
        }
        return new Run(r.runId(), r.trigger(), r.requestedBy(), r.reason(), State.FAILED,
                "interrupted: the service stopped during the run (" + r.step() + ")", r.startedAt(), null, r.provenance(),
                r.candidateVersion(), r.productionVersion(), r.trainSeconds(), r.gates(),
                List.of("interrupted by a stop of the service; start a new run"));
    }

    private void execute(Run run) {
        Run r = run;
        try {
            r = save(r.step("loading the campaign jobs and the training buffer"));
            TrainingData d = data.get();
            r = save(new Run(r.runId(), r.trigger(), r.requestedBy(), r.reason(), State.RUNNING,
                    "training on " + d.samples().size() + " jobs", r.startedAt(), null, d.provenance(), null,
                    engine.currentVersion(), null, null, null));
            TradeoffEngine.Registered c = engine.trainAndRegister(d.samples());
            r = save(new Run(r.runId(), r.trigger(), r.requestedBy(), r.reason(), State.RUNNING,
                    "gates: comparing " + c.version() + " with production on its held-out jobs", r.startedAt(), null,
                    r.provenance(), c.version(), r.productionVersion(), c.trainSeconds(), null, null));
            List<ModelMetrics.Gate> gates = new ArrayList<>(c.metrics() == null ? List.of() : c.metrics().gates());
            List<CampaignSample> heldOut = EnsembleTrainer.of(d.samples(), Split.TEST);
            notWorse(c.metrics(), heldOut).ifPresent(gates::add);
            List<String> reasons = new ArrayList<>();
            if (c.metrics() == null) {
                reasons.add("no held-out (TEST) jobs: the gates cannot be measured");
            }
            gates.stream().filter(g -> !g.passed())
                    .forEach(g -> reasons.add(g.name() + ": measured " + g.measured() + ", needs " + g.target()));
            Instant end = clock.instant();
            if (reasons.isEmpty()) {
                for (ModelRegistry.Entry e : registry.all()) {
                    if ("shadow".equals(e.status()) && !e.version().equals(c.version())) {
                        registry.discard(e.version(), "superseded by " + c.version() + " of " + r.runId(), ModelRegistry.SYSTEM);
                    }
                }
                r = save(new Run(r.runId(), r.trigger(), r.requestedBy(), r.reason(), State.SHADOW, "done: shadow candidate",
                        r.startedAt(), end, r.provenance(), c.version(), r.productionVersion(), c.trainSeconds(), gates, List.of()));
                announce.accept(new ModelLifecycle.Announcement("shadow", c.version(), "Retrain " + r.runId() + ": "
                        + c.version() + " passed its offline gates and is the shadow candidate"));
            } else {
                registry.discard(c.version(), String.join("; ", reasons), ModelRegistry.SYSTEM);
                r = save(new Run(r.runId(), r.trigger(), r.requestedBy(), r.reason(), State.DISCARDED, "done: discarded",
                        r.startedAt(), end, r.provenance(), c.version(), r.productionVersion(), c.trainSeconds(), gates, reasons));
                announce.accept(new ModelLifecycle.Announcement("discarded", c.version(), "Retrain " + r.runId() + ": "
                        + c.version() + " discarded: " + String.join("; ", reasons)));
            }
        } catch (RuntimeException e) {
            log.error("Retrain {} failed", r.runId(), e);
            r = save(new Run(r.runId(), r.trigger(), r.requestedBy(), r.reason(), State.FAILED, "failed: " + e.getMessage(),
                    r.startedAt(), clock.instant(), r.provenance(), r.candidateVersion(), r.productionVersion(), r.trainSeconds(),
                    r.gates(), List.of(String.valueOf(e.getMessage()))));
        } finally {
            synchronized (this) {
                if (running != null && running.runId().equals(run.runId())) {
                    running = null; // the run is over even when its last write failed
                }
            }
        }
    }

    /**
     * Production's cascade on the candidate's held-out jobs: the candidate's accuracy and critical accuracy
     * may lie at most {@code notWorseTolerance} below it. Empty when no first stage serves (nothing to compare).
     */
    private Optional<ModelMetrics.Gate> notWorse(ModelMetrics cand, List<CampaignSample> heldOut) {
        if (cand == null) {
            return Optional.empty();
        }
        Optional<ModelMetrics> prod = engine.servingMetricsOn(heldOut, "the candidate's TEST split");
        if (prod.isEmpty()) {
            return Optional.empty();
        }
        ModelMetrics p = prod.get();
        boolean critical = cand.criticalJobs() > 0;
        boolean ok = cand.accuracy() >= p.accuracy() - notWorseTolerance
                && (!critical || cand.criticalAccuracy() >= p.criticalAccuracy() - notWorseTolerance);
        String measured = String.format("accuracy %.2f%% vs production %.2f%%", 100 * cand.accuracy(), 100 * p.accuracy())
                + (critical ? String.format(", critical %.2f%% vs %.2f%%", 100 * cand.criticalAccuracy(), 100 * p.criticalAccuracy()) : "")
                + " on " + heldOut.size() + " held-out jobs";
        return Optional.of(new ModelMetrics.Gate(NOT_WORSE, String.format("≥ production − %.2f points", 100 * notWorseTolerance),
                measured, ok));
    }

    private Run save(Run r) {
        jdbc.sql("UPDATE model_retrain_runs SET state = ?, finished_at = ?, run = ? WHERE run_id = ?")
                .params(r.state().name(), r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()), json.writeValueAsString(r),
                        r.runId()).update();
        synchronized (this) {
            running = r.state() == State.RUNNING ? r : null;
        }
        return r;
    }
}
