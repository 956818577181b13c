package dev.lto.engine.serving;

import dev.lto.engine.EngineApi;
import dev.lto.contracts.ConfidenceLevel;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.UncertaintyAssessment;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.engine.drift.DriftReference;
import dev.lto.engine.drift.TrainingReference;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.models.Calibration;
import dev.lto.engine.models.Cascade;
import dev.lto.engine.models.Estimate;
import dev.lto.engine.models.ModelUnavailableException;
import dev.lto.engine.models.LiteCalibration;
import dev.lto.engine.models.ModelSettings;
import dev.lto.engine.models.SignalComposer;
import dev.lto.engine.models.Stage;
import dev.lto.engine.models.TradeoffModel;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.training.EnsembleTrainer;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SimulatorInterface;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving cascade (first stage + physics-lite, docs/ml.md §11) and its model: what serves is
 * one reference, swapped atomically (in-flight predictions finish on the model they started with);
 * loading the registry's production model, calibrating physics-lite alone on campaign jobs, and
 * train → register → promote. Plain Java: intelligence-service decides when each runs (start-up,
 * commands) and reports the state.
 */
@EngineApi
public final class TradeoffEngine {

    private static final Logger log = LoggerFactory.getLogger(TradeoffEngine.class);

    /**
     * What serves: the cascade (first stage, possibly null before one is trained, and the lite
     * calibration), the first stage's artifact metadata and its test metrics.
     */
    public record Serving(Cascade cascade, ModelStore.Metadata metadata, ModelMetrics metrics) {

        public TradeoffModel model() {
            return cascade.firstStage();
        }

        public String version() {
            return model() != null ? model().version : "physics-lite";
        }
    }

    private static final JobParameters PROBE = new JobParameters("probe", 0.33, 193.0, 30.0, 0.5, 60.0, 1.0, null, false,
            1, null, null, "probe", Map.of());

    private final ModelSettings settings;
    private final ModelStore store;
    private final ModelRegistry registry;
    private final Supplier<Optional<SimulatorInterface>> adapter;
    private final Consumer<String> onServe;
    private final PhysicsLiteEstimates liteEstimates;
    private final AtomicReference<Serving> serving = new AtomicReference<>();
    /** The shadow candidate (docs/ml.md §13): predicts beside production, never decides; null when none. */
    private final AtomicReference<Serving> shadow = new AtomicReference<>();

    /**
     * @param adapter the adapter the engine learns from and asks for physics-lite estimates
     * @param onServe told the version each time what serves changes
     */
    public TradeoffEngine(ModelSettings settings, ModelStore store, ModelRegistry registry,
                          Supplier<Optional<SimulatorInterface>> adapter, Consumer<String> onServe) {
        this(settings, PhysicsLiteEstimates.Settings.defaults(), store, registry, adapter, onServe);
    }

    /** @param lite how physics-lite estimates are remembered and bounded on the interactive path */
    public TradeoffEngine(ModelSettings settings, PhysicsLiteEstimates.Settings lite, ModelStore store, ModelRegistry registry,
                          Supplier<Optional<SimulatorInterface>> adapter, Consumer<String> onServe) {
        this.settings = settings;
        this.liteEstimates = new PhysicsLiteEstimates(lite);
        this.store = store;
        this.registry = registry;
        this.adapter = adapter;
        this.onServe = onServe;
    }

    /** Physics-lite estimates run, remembered and skipped as busy since start (metrics). */
    public PhysicsLiteEstimates.Counts liteCounts() {
        return liteEstimates.counts();
    }

    /** Serves the registry's production model; false when there is none or it cannot be loaded. */
    public boolean loadProduction() {
        Optional<ModelRegistry.Entry> prod = registry.production();
        if (prod.isEmpty()) {
            return false;
        }
        ModelStore.Loaded l;
        try {
            l = store.load(Path.of(prod.get().artifactPath()), unmodelled(), composer());
        } catch (RuntimeException e) {
            // An artifact of an older format (or damaged): say so and start over rather than serve nothing.
            log.warn("Tradeoff engine: production model {} cannot be loaded ({}); starting as on a first start",
                    prod.get().version(), e.getMessage());
            return false;
        }
        swap(new Serving(new Cascade(l.model(), settings.cascade().lite() ? l.lite() : null, composer()), l.metadata(),
                l.metrics()));
        log.info("Tradeoff engine: serving {} from {}", l.model().version, prod.get().artifactPath());
        return true;
    }

    /** The adapter's signal composition, or null when it has none (then the learners predict the signals). */
    public SignalComposer composer() {
        return SignalComposer.of(adapter.get().orElse(null), PROBE);
    }

    /**
     * Physics-lite alone serves from now on, calibrated on the campaign jobs' stored lite estimates;
     * returns its fidelity, or empty when physics-lite is off or the jobs carry no lite estimates.
     */
    public Optional<String> serveLiteCalibratedOn(List<CampaignSample> samples) {
        if (!settings.cascade().lite() || samples.stream().noneMatch(s -> s.lite() != null)) {
            return Optional.empty();
        }
        ModelSettings.Uncertainty u = settings.uncertainty();
        LiteCalibration lite = LiteCalibration.fit(EnsembleTrainer.of(samples, Split.CALIBRATION),
                EnsembleTrainer.of(samples, Split.VALIDATION), u.alpha(), settings.cascade().liteFloor(), u.flagMargin(),
                settings.cascade().liteFlagBudget(), composer());
        swap(new Serving(new Cascade(null, lite, composer()), null, null));
        return Optional.of(lite.fidelity());
    }

    /**
     * Trains on the campaign jobs, stores and registers the model (shadow), and promotes it when every
     * gate passes, when nothing serves yet, or when the serving model fails its gates and the new
     * one is more accurate. Returns the trained model's test metrics.
     */
    public ModelMetrics trainRegisterPromote(List<CampaignSample> samples, String reason) {
        Registered r = trainAndRegister(samples);
        String version = r.version();
        Path dir = r.dir();
        ModelMetrics m = r.metrics();
        Optional<ModelRegistry.Entry> prod = registry.production();
        boolean passes = m != null && m.allGatesPassed();
        String why = null;
        if (passes) {
            why = "all gates passed";
        } else if (prod.isEmpty()) {
            why = reason + "; promoted although gates failed (nothing else to serve)";
        } else {
            Serving cur = serving.get();
            boolean curFails = cur == null || cur.metrics() == null || !cur.metrics().allGatesPassed();
            if (cur != null && cur.model() == null) {
                why = reason + "; promoted although gates failed (physics-lite served alone until now)";
            } else
            if (why == null && curFails && m != null
                    && (cur == null || cur.metrics() == null || m.accuracy() > cur.metrics().accuracy())) {
                why = "gates failed, but the serving model fails them too and this one is more accurate";
            }
        }
        if (why != null) {
            registry.promote(version, why);
            ModelStore.Loaded l = store.load(dir, unmodelled(), composer());
            swap(new Serving(new Cascade(l.model(), settings.cascade().lite() ? l.lite() : null, composer()), l.metadata(),
                    l.metrics()));
            log.info("Tradeoff engine: {} promoted to production ({})", version, why);
        } else {
            log.warn("Tradeoff engine: {} stays shadow: gates failed {}", version, m == null ? "(no test set)" : m.gates());
        }
        return m;
    }

    /**
     * The drift reference stored with a newly trained model (docs/ml.md §12): the campaign jobs' inputs
     * and the answers of the cascade it will serve in on their held-out jobs. Null (the model is saved
     * without one, and the drift monitor bins the campaigns at runtime) if it cannot be built.
     */
    private DriftReference driftReference(EnsembleTrainer.Trained t, List<CampaignSample> samples) {
        try {
            Cascade c = new Cascade(t.model(), settings.cascade().lite() ? t.lite() : null, composer());
            return TrainingReference.fit(samples, predictStored(c, TrainingReference.heldOut(samples)), DriftReference.DEFAULT_BINS);
        } catch (RuntimeException e) {
            log.warn("Tradeoff engine: {} saved without a drift reference ({})", t.model().version, e.toString());
            return null;
        }
    }

    /** The drift reference stored with the serving model's artifacts; empty while none serves or for an older artifact. */
    public Optional<DriftReference> servingDriftReference() {
        Serving s = serving.get();
        if (s == null || s.metadata() == null) {
            return Optional.empty();
        }
        return store.driftReference(store.dir(s.metadata().version()));
    }

    /** A trained, stored and registered (shadow) model: its version, test metrics, artifact directory and training time. */
    public record Registered(String version, ModelMetrics metrics, Path dir, int trainingSamples, double trainSeconds) {
    }

    /** Trains on the jobs (their splits), stores the artifacts and registers the model as shadow; promotes nothing. */
    public Registered trainAndRegister(List<CampaignSample> samples) {
        String version = registry.nextVersion();
        EnsembleTrainer.Trained t = EnsembleTrainer.train(version, samples, settings, unmodelled(), composer());
        try {
            Path dir = store.save(t, settings, driftReference(t, samples));
            ModelMetrics m = t.metrics();
            registry.register(version, t.trainingSamples(), m == null ? null : m.accuracy(),
                    m == null ? null : m.criticalAccuracy(), dir.toAbsolutePath().toString());
            log.info("Tradeoff engine: {} trained in {} s; test metrics {}", version, String.format("%.1f", t.trainSeconds()),
                    m == null ? "none (no test jobs)" : m.gates());
            return new Registered(version, m, dir, t.trainingSamples(), t.trainSeconds());
        } finally {
            t.model().close(); // what serves is always loaded from the stored artifacts
        }
    }

    /**
     * The serving cascade's metrics on stored jobs (physics-lite from their stored estimates, the first
     * stage's answer where none is stored): production measured on a candidate's held-out jobs. Empty
     * while no first stage serves.
     */
    public Optional<ModelMetrics> servingMetricsOn(List<CampaignSample> jobs, String evaluatedOn) {
        Serving s = serving.get();
        if (s == null || s.model() == null || jobs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(dev.lto.engine.evaluation.Evaluation.evaluateCascade(s.cascade(), jobs, evaluatedOn,
                p -> Optional.empty()));
    }

    /**
     * Serves a registered version from now on: its artifact is loaded and checked first (a damaged one
     * changes nothing), then the registry records it (the serving one retires) and one reference swap
     * makes it serve. Predictions in flight finish on the model they started with.
     *
     * @param event what the history records: production, rollback
     */
    public synchronized Serving promote(String version, String event, String reason, String actor) {
        ModelRegistry.Entry entry = registry.find(version)
                .orElseThrow(() -> new IllegalArgumentException("no registered model " + version));
        ModelStore.Loaded l = store.load(Path.of(entry.artifactPath()), unmodelled(), composer());
        Serving next = new Serving(new Cascade(l.model(), settings.cascade().lite() ? l.lite() : null, composer()),
                l.metadata(), l.metrics());
        registry.promote(version, event, reason, actor);
        swap(next);
        shadow.updateAndGet(sh -> sh != null && sh.version().equals(version) ? null : sh); // it serves now
        log.info("Tradeoff engine: {} serves ({} by {}: {})", version, event, actor, reason);
        return next;
    }

    private void swap(Serving s) {
        Serving old = serving.getAndSet(s);
        // The previous model's native memory is not freed here: an in-flight prediction may still use it.
        if (old != null) {
            log.info("Tradeoff engine: {} replaced by {}", old.version(), s.version());
        }
        onServe.accept(s.version());
    }

    Set<String> unmodelled() {
        return new LinkedHashSet<>(settings.uncertainty().unmodelledMetadata());
    }

    public Optional<Serving> serving() {
        return Optional.ofNullable(serving.get());
    }

    /** The serving stages' calibration as {@code GET /api/v1/models/current} shows it; empty when nothing serves. */
    public Map<String, Object> calibration() {
        Serving s = serving.get();
        Map<String, Object> cal = new LinkedHashMap<>();
        if (s == null) {
            return cal;
        }
        TradeoffModel m = s.model();
        if (m != null) {
            Calibration c = m.calibration;
            cal.put("targets", m.targets());
            cal.put("weights", c.weights());
            cal.put("alpha", c.alpha());
            cal.put("conformal_q", c.conformalQ());
            cal.put("calibration_jobs", c.calibrationJobs());
            cal.put("flag_threshold", c.flagThreshold());
            cal.put("flag_threshold_source", c.flagThresholdSource());
            cal.put("route_threshold", c.routeThreshold());
            cal.put("route_threshold_source", c.routeThresholdSource());
            cal.put("mc_passes", c.mcPasses());
            cal.put("ood_cutoff_chi2", m.ood.cutoff());
        }
        LiteCalibration lite = s.cascade().lite();
        if (lite != null) {
            cal.put("physics_lite", lite);
        }
        return cal;
    }

    /** The registry row of the serving first stage. */
    public Optional<ModelRegistry.Entry> registryEntry() {
        Serving s = serving.get();
        return s == null || s.model() == null ? Optional.empty() : registry.find(s.model().version);
    }

    public Optional<ModelMetrics> metrics() {
        return serving().map(Serving::metrics);
    }

    public String currentVersion() {
        return serving().map(Serving::version).orElse(null);
    }

    /**
     * Predicts every job with the cascade serving at the call's start; importance per job when
     * {@code explain} (from the first stage's trees, when one exists).
     *
     * @param why what to say in the {@link ModelUnavailableException} when nothing can answer
     */
    public List<TradeoffEstimate> predict(List<JobParameters> jobs, boolean explain, Supplier<String> why) {
        Serving s = serving.get();
        if (s == null || !s.cascade().canAnswer()) {
            throw new ModelUnavailableException("no tradeoff model is loaded (" + why.get() + ")");
        }
        return toContract(s, jobs, s.cascade().predict(jobs, this::lite), explain);
    }

    /**
     * One interactive prediction ({@code POST /predict}): like {@link #predict}, but when the cascade routes
     * the job to physics-lite, no estimate for its parameters is remembered and every interactive
     * physics-lite slot is busy, the first stage answers alone at once, with its own standalone intervals
     * and flags, and {@code physics_lite_skipped} says so. Without a first stage it waits for physics-lite.
     */
    public TradeoffEstimate predictInteractive(JobParameters job, boolean explain, Supplier<String> why) {
        Serving s = serving.get();
        if (s == null || !s.cascade().canAnswer()) {
            throw new ModelUnavailableException("no tradeoff model is loaded (" + why.get() + ")");
        }
        Optional<SimulatorInterface> a = adapter.get();
        if (s.model() == null || a.isEmpty() || !settings.cascade().lite()) {
            return toContract(s, List.of(job), s.cascade().predict(List.of(job), this::lite), explain).getFirst();
        }
        boolean[] skipped = new boolean[1];
        List<Estimate> est = s.cascade().predict(List.of(job), routed -> routed.stream().map(p -> {
            Optional<Optional<LiteEstimate>> le = liteEstimates.estimateIfFree(a.get(), p);
            skipped[0] |= le.isEmpty();
            return le.orElse(Optional.empty());
        }).toList());
        TradeoffEstimate e = toContract(s, List.of(job), est, explain).getFirst();
        return skipped[0] ? e.skippedLite("physics-lite busy: all " + liteEstimates.interactiveConcurrency()
                + " interactive physics-lite slots were running estimates for other requests, so the first stage"
                + " answered alone (its own 95% intervals and flags); ask again for the cascade's answer") : e;
    }

    /**
     * Production's answers and, when a shadow candidate is loaded and answered, its answers for the same
     * jobs and the milliseconds they took (0 without a shadow).
     */
    public record Beside(List<TradeoffEstimate> production, Optional<List<TradeoffEstimate>> shadow, double shadowMs) {
    }

    /**
     * Predicts like {@link #predict} and, while a shadow candidate is loaded, also with it: the shadow's
     * cascade gets the physics-lite estimates production's routing already computed for these jobs and
     * never runs physics-lite itself (a job it routes to physics-lite without one gets its first stage's
     * answer, flagged), so it costs one first-stage prediction. Its failure is logged and leaves
     * production's answer untouched (the shadow is then empty).
     */
    public Beside predictBeside(List<JobParameters> jobs, boolean explain, Supplier<String> why) {
        Serving s = serving.get();
        if (s == null || !s.cascade().canAnswer()) {
            throw new ModelUnavailableException("no tradeoff model is loaded (" + why.get() + ")");
        }
        Map<JobParameters, LiteEstimate> computed = new java.util.IdentityHashMap<>();
        List<TradeoffEstimate> prod = toContract(s, jobs, s.cascade().predict(jobs, routed -> {
            List<Optional<LiteEstimate>> les = lite(routed);
            for (int i = 0; i < routed.size(); i++) {
                JobParameters p = routed.get(i);
                les.get(i).ifPresent(le -> computed.put(p, le));
            }
            return les;
        }), explain);
        Serving sh = shadow.get();
        if (sh == null) {
            return new Beside(prod, Optional.empty(), 0);
        }
        long t0 = System.nanoTime();
        try {
            List<Estimate> est = sh.cascade().predict(jobs, routed -> routed.stream()
                    .map(p -> Optional.ofNullable(computed.get(p))).toList());
            List<TradeoffEstimate> out = toContract(sh, jobs, est, false);
            return new Beside(prod, Optional.of(out), (System.nanoTime() - t0) / 1e6);
        } catch (RuntimeException e) {
            log.warn("Tradeoff engine: shadow {} failed to predict ({}); production's answer stands", sh.version(), e.toString());
            return new Beside(prod, Optional.empty(), 0);
        }
    }

    /** The loaded shadow candidate's version, if one is loaded. */
    public Optional<String> shadowVersion() {
        return Optional.ofNullable(shadow.get()).map(Serving::version);
    }

    /**
     * Loads a registered version as the shadow candidate (one reference swap; the previous shadow, if
     * any, is released). A version that cannot be loaded changes nothing and throws.
     */
    public synchronized void loadShadow(String version) {
        ModelRegistry.Entry entry = registry.find(version)
                .orElseThrow(() -> new IllegalArgumentException("no registered model " + version));
        ModelStore.Loaded l = store.load(Path.of(entry.artifactPath()), unmodelled(), composer());
        shadow.set(new Serving(new Cascade(l.model(), settings.cascade().lite() ? l.lite() : null, composer()),
                l.metadata(), l.metrics()));
        log.info("Tradeoff engine: {} predicts in shadow beside {}", version, currentVersion());
    }

    /** Releases the shadow candidate (a prediction in flight finishes with it). */
    public void dropShadow() {
        Serving old = shadow.getAndSet(null);
        if (old != null) {
            log.info("Tradeoff engine: shadow {} released", old.version());
        }
    }

    /**
     * The campaigns the serving first stage was trained on (its artifact metadata): the data its drift
     * reference is binned from (docs/ml.md §12). Empty while only physics-lite serves.
     */
    public List<String> servingCampaigns() {
        return serving().map(Serving::metadata).map(ModelStore.Metadata::campaigns).orElse(List.of());
    }

    /**
     * The serving cascade's six signal scores for stored campaign jobs, physics-lite taken from their
     * stored estimates and never re-simulated (as the model card evaluates): the predicted-signal drift
     * reference. A job routed to physics-lite without a stored estimate gets the first stage's answer.
     */
    public Optional<List<double[]>> predictStored(List<CampaignSample> samples) {
        Serving s = serving.get();
        if (s == null || !s.cascade().canAnswer()) {
            return Optional.empty();
        }
        return Optional.of(predictStored(s.cascade(), samples));
    }

    private static List<double[]> predictStored(Cascade cascade, List<CampaignSample> samples) {
        Map<JobParameters, LiteEstimate> stored = new java.util.IdentityHashMap<>();
        samples.forEach(c -> {
            if (c.lite() != null) {
                stored.put(c.parameters(), c.lite());
            }
        });
        List<JobParameters> params = samples.stream().map(CampaignSample::parameters).toList();
        List<Estimate> est = cascade.predict(params, routed -> routed.stream()
                .map(p -> Optional.ofNullable(stored.get(p))).toList());
        return est.stream().map(Estimate::score).toList();
    }

    /**
     * First-stage answers for every job without the cascade's routing: a fast screen for searches over
     * many candidate parameter sets, with TreeSHAP importance per job when {@code explain}. Empty
     * before a first stage is trained.
     */
    public Optional<List<TradeoffEstimate>> screen(List<JobParameters> jobs, boolean explain) {
        Serving s = serving.get();
        if (s == null || s.model() == null) {
            return Optional.empty();
        }
        Cascade firstOnly = new Cascade(s.model(), null);
        return Optional.of(toContract(s, jobs, firstOnly.predict(jobs, this::lite), explain));
    }

    /**
     * Physics-lite answers with calibrated intervals for every job (to verify a few chosen parameter
     * sets). Empty when the adapter has no physics-lite or no lite calibration exists.
     */
    public Optional<List<TradeoffEstimate>> predictWithLite(List<JobParameters> jobs) {
        Serving s = serving.get();
        if (s == null || s.cascade().lite() == null) {
            return Optional.empty();
        }
        List<Optional<LiteEstimate>> les = lite(jobs);
        if (les.stream().anyMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        List<Estimate> est = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            est.add(s.cascade().fromLite(les.get(i).get(), jobs.get(i), null));
        }
        return Optional.of(toContract(s, jobs, est, false));
    }

    private List<TradeoffEstimate> toContract(Serving s, List<JobParameters> jobs, List<Estimate> est, boolean explain) {
        TradeoffModel m = s.model();
        List<TradeoffEstimate> out = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            Estimate e = est.get(i);
            SignalEstimate[] se = new SignalEstimate[e.score().length];
            for (int j = 0; j < se.length; j++) {
                // Bounds rounded outward: a 4-decimal interval still holds what the unrounded one held.
                se[j] = new SignalEstimate(round(e.score()[j]), Math.floor(Math.min(e.low()[j], e.score()[j]) * 1e4) / 1e4,
                        Math.ceil(Math.max(e.high()[j], e.score()[j]) * 1e4) / 1e4);
            }
            double tau = e.stage() == Stage.PHYSICS_LITE ? s.cascade().lite().flagThreshold() : m.calibration.flagThreshold();
            ConfidenceLevel level = e.recommendPhysics() ? ConfidenceLevel.LOW
                    : e.uncertainty() >= tau / 2 ? ConfidenceLevel.MEDIUM : ConfidenceLevel.HIGH;
            Map<String, Double> importance = explain && m != null ? m.importance(List.of(jobs.get(i))) : null;
            out.add(new TradeoffEstimate(SignalPredictions.fromArray(se),
                    new UncertaintyAssessment(e.highUncertainty() || e.outOfDistribution(), e.recommendPhysics(), level),
                    importance, s.version(), round(e.uncertainty()),
                    Double.isFinite(e.mahalanobis2()) ? round(e.mahalanobis2()) : null, e.outOfDistribution(),
                    e.stage().wire(), e.reasons(), round(e.jobFactor())));
        }
        return out;
    }

    /**
     * Physics-lite estimates of the jobs the cascade routed to it, in order, remembered per parameter set;
     * several jobs run in parallel on the engine's own pool, behind API requests (each is independent; a
     * single job runs on the caller's thread).
     */
    private List<Optional<LiteEstimate>> lite(List<JobParameters> jobs) {
        Optional<SimulatorInterface> a = adapter.get();
        if (a.isEmpty() || !settings.cascade().lite()) {
            return jobs.stream().map(j -> Optional.<LiteEstimate>empty()).toList();
        }
        SimulatorInterface sim = a.get();
        if (jobs.size() == 1) {
            return List.of(liteEstimates.estimate(sim, jobs.getFirst()));
        }
        return liteEstimates.inParallel(jobs, j -> liteEstimates.estimate(sim, j));
    }

    /** Rounded to 4 decimals: more digits would claim a precision the model does not have. */
    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
