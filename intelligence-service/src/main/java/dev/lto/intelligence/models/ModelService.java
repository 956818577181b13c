package dev.lto.intelligence.models;

import dev.lto.contracts.ConfidenceLevel;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.UncertaintyAssessment;
import dev.lto.intelligence.campaign.CampaignProgress;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.CampaignSample;
import dev.lto.intelligence.campaign.ReferenceData;
import dev.lto.intelligence.campaign.Split;
import dev.lto.intelligence.campaign.TrainingCampaign;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Holds the serving cascade (first stage + physics-lite, docs/ml.md §11) and its lifecycle. After
 * the application is ready (never before: the service and /actuator/health come up without a model)
 * a background thread loads the registry's production model. When none exists it imports the
 * reference campaign shipped with the service (if it was simulated by the adapter's current version):
 * physics-lite serves from that moment, calibrated on it, while a first stage trains in the
 * background and takes over where it is confident once trained. Without reference data it runs a
 * small bootstrap campaign ({@code lto.models.bootstrap.*}). With neither a model nor physics-lite,
 * predictions answer {@link ModelUnavailableException} (503).
 */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    /**
     * What serves: the cascade (first stage, possibly null before one is trained, and the lite
     * calibration), the first stage's artifact metadata and its test metrics. Swapped atomically.
     */
    record Serving(Cascade cascade, ModelStore.Metadata metadata, ModelMetrics metrics) {

        TradeoffModel model() {
            return cascade.firstStage();
        }

        String version() {
            return model() != null ? model().version : "physics-lite";
        }
    }

    private final ModelProperties props;
    private final CampaignProperties campaignProps;
    private final TrainingCampaign campaign;
    private final ModelStore store;
    private final ModelRegistry registry;
    private final ReferenceData reference;
    private final SimulatorAdapters adapters;
    private final boolean commandMode;
    private final AtomicReference<Serving> serving = new AtomicReference<>();
    private volatile ModelStatus.State state = ModelStatus.State.NONE;
    private volatile String message = "no model loaded yet";

    ModelService(ModelProperties props, CampaignProperties campaignProps, TrainingCampaign campaign, ModelStore store,
                 ModelRegistry registry, ReferenceData reference, SimulatorAdapters adapters,
                 @Value("${lto.models.command:}") String command) {
        this.props = props;
        this.campaignProps = campaignProps;
        this.campaign = campaign;
        this.store = store;
        this.registry = registry;
        this.reference = reference;
        this.adapters = adapters;
        this.commandMode = !command.isBlank();
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (commandMode) {
            return;
        }
        Thread.ofPlatform().name("model-bootstrap").daemon().start(this::loadOrBootstrap);
    }

    void loadOrBootstrap() {
        try {
            state = ModelStatus.State.LOADING;
            message = "loading the production model";
            if (loadProduction()) {
                return;
            }
            if (!props.bootstrap().enabled()) {
                state = ModelStatus.State.NONE;
                message = "no production model and lto.models.bootstrap.enabled=false; run the campaign and train commands (docs/ml.md)";
                log.warn("Tradeoff engine: {}", message);
                return;
            }
            Optional<List<CampaignSample>> ref = reference.load(campaignProps.adapter());
            if (ref.isPresent()) {
                List<CampaignSample> samples = ref.get();
                liteFrom(samples).ifPresent(lite -> {
                    swap(new Serving(new Cascade(null, lite, composer()), null, null));
                    log.info("Tradeoff engine: physics-lite serves ({}), calibrated on the reference campaign; training"
                            + " the first stage", lite.fidelity());
                });
                state = ModelStatus.State.TRAINING;
                message = "physics-lite serves; training the first stage on the reference campaign " + reference.campaignId();
                trainRegisterPromote(samples, "first start: trained on the reference campaign");
                return;
            }
            state = ModelStatus.State.BOOTSTRAPPING;
            int n = props.bootstrap().samples();
            message = "bootstrap campaign of " + n + " jobs, then training";
            log.info("Tradeoff engine: no production model; bootstrapping ({} jobs)", n);
            String id = "bootstrap_" + props.bootstrap().seed() + "_" + n;
            // The status endpoint shows the campaign's progress and ETA while it runs.
            List<CampaignSample> samples = campaign.run(id, campaignProps.withSamples(n, props.bootstrap().seed()),
                    p -> message = "bootstrap campaign " + p + "; then training");
            state = ModelStatus.State.TRAINING;
            message = "training on the bootstrap campaign";
            trainRegisterPromote(samples, "bootstrap: no production model existed");
        } catch (RuntimeException e) {
            state = ModelStatus.State.FAILED;
            message = "model load/bootstrap failed: " + e.getMessage();
            log.error("Tradeoff engine: {}", message, e);
        }
    }

    boolean loadProduction() {
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
        swap(new Serving(new Cascade(l.model(), props.cascade().lite() ? l.lite() : null, composer()), l.metadata(),
                l.metrics()));
        log.info("Tradeoff engine: serving {} from {}", l.model().version, prod.get().artifactPath());
        return true;
    }

    /** The adapter the engine learns from and asks for physics-lite estimates (lto.models.campaign.adapter). */
    Optional<SimulatorInterface> adapter() {
        return adapters.find(campaignProps.adapter());
    }

    /** The adapter's signal composition, or null when it has none (then the learners predict the signals). */
    SignalComposer composer() {
        return SignalComposer.of(adapter().orElse(null), PROBE);
    }

    private static final JobParameters PROBE = new JobParameters("probe", 0.33, 193.0, 30.0, 0.5, 60.0, 1.0, null, false,
            1, null, null, "probe", Map.of());

    private Optional<LiteCalibration> liteFrom(List<CampaignSample> samples) {
        if (!props.cascade().lite() || samples.stream().noneMatch(s -> s.lite() != null)) {
            return Optional.empty();
        }
        ModelProperties.Uncertainty u = props.uncertainty();
        return Optional.of(LiteCalibration.fit(EnsembleTrainer.of(samples, Split.CALIBRATION),
                EnsembleTrainer.of(samples, Split.VALIDATION), u.alpha(), props.cascade().liteFloor(), u.flagMargin(),
                props.cascade().liteFlagBudget(), composer()));
    }

    /**
     * Trains on the campaign jobs, stores and registers the model (shadow), and promotes it when every
     * gate passes, when nothing serves yet, or when the serving model fails its gates and the new
     * one is more accurate. Returns the trained model's test metrics.
     */
    ModelMetrics trainRegisterPromote(List<CampaignSample> samples, String reason) {
        String version = registry.nextVersion();
        EnsembleTrainer.Trained t = EnsembleTrainer.train(version, samples, props, unmodelled(), composer());
        Path dir = store.save(t, props);
        ModelMetrics m = t.metrics();
        registry.register(version, t.trainingSamples(), m == null ? null : m.accuracy(),
                m == null ? null : m.criticalAccuracy(), dir.toAbsolutePath().toString());
        log.info("Tradeoff engine: {} trained in {} s; test metrics {}", version, String.format("%.1f", t.trainSeconds()),
                m == null ? "none (no test jobs)" : m.gates());
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
            swap(new Serving(new Cascade(l.model(), props.cascade().lite() ? l.lite() : null, composer()), l.metadata(),
                    l.metrics()));
            t.model().close();
            log.info("Tradeoff engine: {} promoted to production ({})", version, why);
        } else {
            log.warn("Tradeoff engine: {} stays shadow: gates failed {}", version, m == null ? "(no test set)" : m.gates());
            t.model().close();
        }
        return m;
    }

    private void swap(Serving s) {
        Serving old = serving.getAndSet(s);
        state = ModelStatus.State.READY;
        message = "serving " + s.version();
        // The previous model's native memory is not freed here: an in-flight prediction may still use it.
        if (old != null) {
            log.info("Tradeoff engine: {} replaced by {}", old.version(), s.version());
        }
    }

    Set<String> unmodelled() {
        return new LinkedHashSet<>(props.uncertainty().unmodelledMetadata());
    }

    Optional<Serving> serving() {
        return Optional.ofNullable(serving.get());
    }

    /**
     * Why a preflight would wait now, when nothing serves predictions (no model loaded yet, bootstrap
     * running with its ETA, or a failed load); empty while a model or physics-lite serves. Cheap: read
     * for every job entering PREFLIGHT.
     */
    public Optional<String> waitingReason() {
        if (serving.get() != null) {
            return Optional.empty();
        }
        CampaignProgress progress = state == ModelStatus.State.BOOTSTRAPPING ? campaign.progress().orElse(null) : null;
        return Optional.of("waiting for a tradeoff model (" + state + (message == null ? "" : ": " + message)
                + (progress == null ? "" : "; bootstrap " + progress) + "); the job moves on once one serves");
    }

    public ModelStatus status() {
        Serving s = serving.get();
        CampaignProgress progress = state == ModelStatus.State.BOOTSTRAPPING ? campaign.progress().orElse(null) : null;
        if (s == null) {
            return new ModelStatus(state, null, message, progress, null, null, null, null);
        }
        Map<String, Object> cal = new LinkedHashMap<>();
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
        return new ModelStatus(state, s.version(), message, progress,
                m == null ? null : registry.find(m.version).orElse(null), s.metadata(), cal,
                s.metrics() == null ? null : s.metrics().allGatesPassed());
    }

    public Optional<ModelMetrics> metrics() {
        return serving().map(Serving::metrics);
    }

    public String currentVersion() {
        return serving().map(Serving::version).orElse(null);
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
        Map<JobParameters, LiteEstimate> stored = new IdentityHashMap<>();
        samples.forEach(c -> {
            if (c.lite() != null) {
                stored.put(c.parameters(), c.lite());
            }
        });
        List<JobParameters> params = samples.stream().map(CampaignSample::parameters).toList();
        List<Estimate> est = s.cascade().predict(params, routed -> routed.stream()
                .map(p -> Optional.ofNullable(stored.get(p))).toList());
        return Optional.of(est.stream().map(Estimate::score).toList());
    }

    /**
     * Predicts every job with the cascade serving at the call's start; importance per job when
     * {@code explain} (from the first stage's trees, when one exists).
     */
    public List<TradeoffEstimate> predict(List<JobParameters> jobs, boolean explain) {
        Serving s = serving.get();
        if (s == null || !s.cascade().canAnswer()) {
            throw new ModelUnavailableException("no tradeoff model is loaded (" + state + ": " + message + ")");
        }
        return toContract(s, jobs, s.cascade().predict(jobs, this::lite), explain);
    }

    /**
     * First-stage answers for every job without the cascade's routing: a fast screen for searches over
     * many candidate parameter sets. Empty before a first stage is trained.
     */
    public Optional<List<TradeoffEstimate>> screen(List<JobParameters> jobs) {
        return screen(jobs, false);
    }

    /** The same, with TreeSHAP importance per job when {@code explain}. */
    Optional<List<TradeoffEstimate>> screen(List<JobParameters> jobs, boolean explain) {
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
     * Physics-lite estimates of the jobs the cascade routed to it, in order; several jobs run in
     * parallel on the common pool (each is independent; a single job runs on the caller's thread).
     */
    private List<Optional<LiteEstimate>> lite(List<JobParameters> jobs) {
        Optional<SimulatorInterface> a = adapter();
        if (a.isEmpty() || !props.cascade().lite()) {
            return jobs.stream().map(j -> Optional.<LiteEstimate>empty()).toList();
        }
        SimulatorInterface sim = a.get();
        if (jobs.size() == 1) {
            return List.of(sim.estimateSignals(jobs.getFirst()));
        }
        return jobs.parallelStream().map(sim::estimateSignals).toList();
    }

    /** Rounded to 4 decimals: more digits would claim a precision the model does not have. */
    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
