package dev.lto.intelligence.models;

import dev.lto.contracts.ConfidenceLevel;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.UncertaintyAssessment;
import dev.lto.intelligence.campaign.CampaignProgress;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.CampaignSample;
import dev.lto.intelligence.campaign.TrainingCampaign;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Holds the serving model and its lifecycle. After the application is ready (never before: the
 * service and /actuator/health come up without a model) a background thread loads the registry's
 * production model, or, when none exists and {@code lto.models.bootstrap.enabled}, runs a small
 * bootstrap campaign, trains, registers and promotes a first model. Until then predictions answer
 * {@link ModelUnavailableException} (503).
 */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    /** What serves: the model with its artifact metadata and test metrics. Swapped atomically. */
    record Serving(TradeoffModel model, ModelStore.Metadata metadata, ModelMetrics metrics) {
    }

    private final ModelProperties props;
    private final CampaignProperties campaignProps;
    private final TrainingCampaign campaign;
    private final ModelStore store;
    private final ModelRegistry registry;
    private final boolean commandMode;
    private final AtomicReference<Serving> serving = new AtomicReference<>();
    private volatile ModelStatus.State state = ModelStatus.State.NONE;
    private volatile String message = "no model loaded yet";

    ModelService(ModelProperties props, CampaignProperties campaignProps, TrainingCampaign campaign, ModelStore store,
                 ModelRegistry registry, @Value("${lto.models.command:}") String command) {
        this.props = props;
        this.campaignProps = campaignProps;
        this.campaign = campaign;
        this.store = store;
        this.registry = registry;
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
        ModelStore.Loaded l = store.load(Path.of(prod.get().artifactPath()), unmodelled());
        swap(new Serving(l.model(), l.metadata(), l.metrics()));
        log.info("Tradeoff engine: serving {} from {}", l.model().version, prod.get().artifactPath());
        return true;
    }

    /**
     * Trains on the campaign jobs, stores and registers the model (shadow), and promotes it when every
     * gate passes, when nothing serves yet, or when the serving model fails its gates and the new
     * one is more accurate. Returns the trained model's test metrics.
     */
    ModelMetrics trainRegisterPromote(List<CampaignSample> samples, String reason) {
        String version = registry.nextVersion();
        EnsembleTrainer.Trained t = EnsembleTrainer.train(version, samples, props, unmodelled());
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
            if (curFails && m != null && (cur == null || cur.metrics() == null || m.accuracy() > cur.metrics().accuracy())) {
                why = "gates failed, but the serving model fails them too and this one is more accurate";
            }
        }
        if (why != null) {
            registry.promote(version, why);
            ModelStore.Loaded l = store.load(dir, unmodelled());
            swap(new Serving(l.model(), l.metadata(), l.metrics()));
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
        message = "serving " + s.model().version;
        // The previous model's native memory is not freed here: an in-flight prediction may still use it.
        if (old != null) {
            log.info("Tradeoff engine: {} replaced by {}", old.model().version, s.model().version);
        }
    }

    Set<String> unmodelled() {
        return new LinkedHashSet<>(props.uncertainty().unmodelledMetadata());
    }

    Optional<Serving> serving() {
        return Optional.ofNullable(serving.get());
    }

    public ModelStatus status() {
        Serving s = serving.get();
        CampaignProgress progress = state == ModelStatus.State.BOOTSTRAPPING ? campaign.progress().orElse(null) : null;
        if (s == null) {
            return new ModelStatus(state, null, message, progress, null, null, null, null);
        }
        Calibration c = s.model().calibration;
        Map<String, Object> cal = new LinkedHashMap<>();
        cal.put("weights", c.weights());
        cal.put("alpha", c.alpha());
        cal.put("conformal_q", c.conformalQ());
        cal.put("calibration_jobs", c.calibrationJobs());
        cal.put("flag_threshold", c.flagThreshold());
        cal.put("flag_threshold_source", c.flagThresholdSource());
        cal.put("mc_passes", c.mcPasses());
        cal.put("ood_cutoff_chi2", s.model().ood.cutoff());
        return new ModelStatus(state, s.model().version, message, progress,
                registry.find(s.model().version).orElse(null), s.metadata(), cal,
                s.metrics() == null ? null : s.metrics().allGatesPassed());
    }

    public Optional<ModelMetrics> metrics() {
        return serving().map(Serving::metrics);
    }

    public String currentVersion() {
        return serving().map(s -> s.model().version).orElse(null);
    }

    /** Predicts every job with the model serving at the call's start; importance per job when {@code explain}. */
    public List<TradeoffEstimate> predict(List<JobParameters> jobs, boolean explain) {
        Serving s = serving.get();
        if (s == null) {
            throw new ModelUnavailableException("no tradeoff model is loaded (" + state + ": " + message + ")");
        }
        TradeoffModel m = s.model();
        List<Estimate> est = m.predict(jobs);
        List<TradeoffEstimate> out = new ArrayList<>(jobs.size());
        double tau = m.calibration.flagThreshold();
        for (int i = 0; i < jobs.size(); i++) {
            Estimate e = est.get(i);
            SignalEstimate[] se = new SignalEstimate[e.score().length];
            for (int j = 0; j < se.length; j++) {
                se[j] = new SignalEstimate(round(e.score()[j]), round(Math.min(e.low()[j], e.score()[j])),
                        round(Math.max(e.high()[j], e.score()[j])));
            }
            ConfidenceLevel level = e.recommendPhysics() ? ConfidenceLevel.LOW
                    : e.uncertainty() >= tau / 2 ? ConfidenceLevel.MEDIUM : ConfidenceLevel.HIGH;
            Map<String, Double> importance = explain ? m.importance(List.of(jobs.get(i))) : null;
            out.add(new TradeoffEstimate(SignalPredictions.fromArray(se),
                    new UncertaintyAssessment(e.highUncertainty() || e.outOfDistribution(), e.recommendPhysics(), level),
                    importance, m.version, round(e.uncertainty()), round(e.mahalanobis2()), e.outOfDistribution()));
        }
        return out;
    }

    /** Rounded to 4 decimals: more digits would claim a precision the model does not have. */
    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
