package dev.lto.intelligence.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.lifecycle.LifecycleConflict;
import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.serving.TradeoffEngine;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The shadow phase (seed §6, docs/ml.md §13): the newest registered version with status {@code shadow} whose
 * offline gates all passed predicts beside production on every preflight ({@link TradeoffEngine#predictBeside});
 * its answers are scored against the actual signals at evaluation ({@code shadow_predictions}). Once
 * {@code minJobs} of its jobs are evaluated it is judged: its live accuracy p̂ (ML.md: share of (job, signal)
 * pairs with |error| ≤ 0.05) over n evaluated jobs <i>agrees</i> with its offline TEST-split accuracy when the
 * offline value lies inside the 99% Wilson score interval of p̂ with n = jobs (not 6·jobs: a job's six
 * errors are correlated, so counting pairs would claim more evidence than there is; counting jobs is the
 * conservative end). Agree → promoted through {@link ModelLifecycle#promote} (actor {@value #ACTOR}); disagree
 * → extended once by {@code minJobs} more and judged again on all its jobs; disagree again → discarded with
 * the numbers, announced. Each trial is a row of {@code shadow_trials} (survives a restart).
 */
public final class ShadowTrial {

    private static final Logger log = LoggerFactory.getLogger(ShadowTrial.class);

    /** Who the registry history names for the trial's promote and discard. */
    public static final String ACTOR = "shadow-evaluation";
    /** z of a two-sided 99% interval: Φ⁻¹(0.995). */
    static final double Z99 = 2.5758293035489;

    /** The trial as {@code GET /api/v1/models} shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(@JsonProperty("version") String version, @JsonProperty("started_at") Instant startedAt,
                           @JsonProperty("jobs_predicted") int jobsPredicted,
                           @JsonProperty("jobs_evaluated") int jobsEvaluated, @JsonProperty("jobs_needed") int jobsNeeded,
                           @JsonProperty("extended") boolean extended,
                           @JsonProperty("live_accuracy") Double liveAccuracy,
                           @JsonProperty("live_interval_99") double[] liveInterval99,
                           @JsonProperty("offline_accuracy") Double offlineAccuracy) {
    }

    /** The judgement once enough jobs are evaluated. */
    public enum Outcome { PROMOTED, EXTENDED, DISCARDED }

    private final TradeoffEngine engine;
    private final ModelRegistry registry;
    private final ModelStore store;
    private final ModelLifecycle lifecycle;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final int minJobs;
    private final Consumer<ModelLifecycle.Announcement> announce;
    /** The newest candidate whose artifact failed to load (guarded by this); not tried again by {@link #sync}. */
    private String unloadable;

    public ShadowTrial(TradeoffEngine engine, ModelRegistry registry, ModelStore store, ModelLifecycle lifecycle, JdbcClient jdbc,
                       Clock clock, int minJobs, Consumer<ModelLifecycle.Announcement> announce) {
        this.engine = engine;
        this.registry = registry;
        this.store = store;
        this.lifecycle = lifecycle;
        this.jdbc = jdbc;
        this.clock = clock;
        this.minJobs = minJobs;
        this.announce = announce;
    }

    /**
     * Loads the newest shadow candidate that passed its offline gates beside production (a newer one
     * replaces it; none → released). Loads only when that version differs from the loaded one. A candidate
     * whose artifact cannot be loaded is logged once and not shadowed (nor tried again until a restart).
     */
    @Scheduled(fixedDelayString = "${lto.models.shadow.sync-interval:30s}", initialDelayString = "${lto.models.shadow.sync-interval:30s}")
    public synchronized void sync() {
        Optional<ModelRegistry.Entry> candidate = registry.all().stream()
                .filter(e -> "shadow".equals(e.status()))
                .filter(e -> offline(e).map(ModelMetrics::allGatesPassed).orElse(false))
                .max(Comparator.comparing(ModelRegistry.Entry::trainedAt));
        if (candidate.isEmpty()) {
            engine.dropShadow();
            return;
        }
        String v = candidate.get().version();
        // Load only when the version to serve changed: a registered artifact never changes, so neither a loaded
        // candidate nor one that failed to load is read again every interval (a restart tries a failed one again).
        if (engine.shadowVersion().filter(v::equals).isPresent() || v.equals(unloadable)) {
            return;
        }
        try {
            engine.loadShadow(v);
        } catch (RuntimeException e) {
            log.warn("Shadow trial: {} cannot be loaded ({}); it does not predict in shadow", v, e.toString());
            unloadable = v;
            engine.dropShadow();
            return;
        }
        jdbc.sql("INSERT INTO shadow_trials (version, started_at, needed, extended) VALUES (?, ?, ?, false) ON CONFLICT DO NOTHING")
                .params(v, Timestamp.from(clock.instant()), minJobs).update();
    }

    /** {@link #judge} on a virtual thread: the job that triggered it never waits for a promotion's artifact load. */
    public void judgeLater() {
        Thread.ofVirtual().name("shadow-trial").start(() -> {
            try {
                judge();
            } catch (RuntimeException e) {
                log.warn("Shadow trial: judging failed ({}); it is tried again at the next evaluated job", e.toString());
            }
        });
    }

    /** Judges the loaded shadow candidate when enough of its jobs are evaluated; empty when not (yet) judged. */
    public synchronized Optional<Outcome> judge() {
        Optional<String> loaded = engine.shadowVersion();
        if (loaded.isEmpty()) {
            return Optional.empty();
        }
        String v = loaded.get();
        Optional<Progress> pr = progress(v);
        if (pr.isEmpty() || pr.get().jobsEvaluated() < pr.get().jobsNeeded() || pr.get().offlineAccuracy() == null) {
            return Optional.empty();
        }
        Progress p = pr.get();
        double offline = p.offlineAccuracy();
        double[] ci = p.liveInterval99();
        boolean agrees = offline >= ci[0] && offline <= ci[1];
        String numbers = String.format(Locale.ROOT, "live accuracy %.4f over %d evaluated jobs (99%% Wilson interval %.4f–%.4f,"
                + " n = jobs) %s its offline TEST-split accuracy %.4f", p.liveAccuracy(), p.jobsEvaluated(), ci[0], ci[1],
                agrees ? "contains" : "excludes", offline);
        if (agrees) {
            try {
                lifecycle.promote(v, ACTOR, "shadow evaluation passed: " + numbers);
            } catch (LifecycleConflict e) {
                log.warn("Shadow trial: {} agreed live but cannot be promoted ({})", v, e.getMessage());
                return Optional.empty();
            }
            outcome(v, "promoted", numbers);
            return Optional.of(Outcome.PROMOTED);
        }
        if (!p.extended()) {
            jdbc.sql("UPDATE shadow_trials SET needed = needed + ?, extended = true, reason = ? WHERE version = ?")
                    .params(minJobs, "extended: " + numbers, v).update();
            log.info("Shadow trial: {} extended by {} jobs: {}", v, minJobs, numbers);
            announce.accept(new ModelLifecycle.Announcement("shadow_extended", v, "Shadow " + v + " extended by " + minJobs
                    + " jobs: " + numbers));
            return Optional.of(Outcome.EXTENDED);
        }
        String reason = "shadow evaluation failed after its extension: " + numbers;
        registry.discard(v, reason, ACTOR);
        engine.dropShadow();
        outcome(v, "discarded", reason);
        announce.accept(new ModelLifecycle.Announcement("discarded", v, "Shadow " + v + " discarded: " + numbers));
        return Optional.of(Outcome.DISCARDED);
    }

    /** The loaded shadow candidate's trial so far; empty when none is loaded. */
    public Optional<Progress> progress() {
        return engine.shadowVersion().flatMap(this::progress);
    }

    private Optional<Progress> progress(String v) {
        Optional<Trial> trial = jdbc.sql("SELECT started_at, needed, extended FROM shadow_trials WHERE version = ?").param(v)
                .query((rs, i) -> new Trial(rs.getTimestamp(1).toInstant(), rs.getInt(2), rs.getBoolean(3))).optional();
        if (trial.isEmpty()) {
            return Optional.empty();
        }
        int[] counts = jdbc.sql("""
                        SELECT count(*), count(evaluated_at), coalesce(sum(accurate_pairs), 0)
                        FROM shadow_predictions WHERE model_version = ?""").param(v)
                .query((rs, i) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).single();
        int n = counts[1];
        Double live = n == 0 ? null : counts[2] / ((double) n * TradeoffSignals.NAMES.size());
        Double offline = registry.find(v).flatMap(this::offline).map(ModelMetrics::accuracy).orElse(null);
        return Optional.of(new Progress(v, trial.get().startedAt(), counts[0], n, trial.get().needed(), trial.get().extended(),
                live == null ? null : round(live), live == null ? null : wilson(live, n, Z99), offline));
    }

    private record Trial(Instant startedAt, int needed, boolean extended) {
    }

    /**
     * Wilson score interval (E. B. Wilson, JASA 22 (1927) 209–212) of a proportion p̂ over n trials:
     * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), rounded to 4 decimals outward.
     */
    static double[] wilson(double p, int n, double z) {
        double z2n = z * z / n;
        double centre = p + z2n / 2;
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n));
        double d = 1 + z2n;
        return new double[] {Math.floor((centre - half) / d * 1e4) / 1e4, Math.ceil((centre + half) / d * 1e4) / 1e4};
    }

    private Optional<ModelMetrics> offline(ModelRegistry.Entry e) {
        try {
            return store.metrics(Path.of(e.artifactPath()));
        } catch (RuntimeException ex) {
            return Optional.empty();
        }
    }

    private void outcome(String v, String outcome, String reason) {
        jdbc.sql("UPDATE shadow_trials SET outcome = ?, reason = ? WHERE version = ?").params(outcome, reason, v).update();
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
