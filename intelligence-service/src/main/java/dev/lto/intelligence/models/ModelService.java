package dev.lto.intelligence.models;

import dev.lto.contracts.JobParameters;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.models.ModelUnavailableException;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.engine.serving.TradeoffEstimate;
import dev.lto.intelligence.campaign.CampaignProgress;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.ReferenceData;
import dev.lto.intelligence.campaign.TrainingCampaign;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The tradeoff engine's place in this service: it holds the engine's {@link TradeoffEngine} (the
 * serving cascade, docs/ml.md §11) and decides when it loads and trains. After the application is
 * ready (never before: the service and /actuator/health come up without a model) a background thread
 * loads the registry's production model. When none exists it imports the reference campaign shipped
 * with the service (if it was simulated by the adapter's current version): physics-lite serves from
 * that moment, calibrated on it, while a first stage trains in the background and takes over where it
 * is confident once trained. Without reference data it runs a small bootstrap campaign
 * ({@code lto.models.bootstrap.*}). With neither a model nor physics-lite, predictions answer
 * {@link ModelUnavailableException} (503).
 */
@Service
public class ModelService {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    private final ModelProperties props;
    private final CampaignProperties campaignProps;
    private final TrainingCampaign campaign;
    private final ReferenceData reference;
    private final SimulatorAdapters adapters;
    private final TradeoffEngine engine;
    private final boolean commandMode;
    private volatile ModelStatus.State state = ModelStatus.State.NONE;
    private volatile String message = "no model loaded yet";

    ModelService(ModelProperties props, CampaignProperties campaignProps, TrainingCampaign campaign, ModelStore store,
                 ModelRegistry registry, ReferenceData reference, SimulatorAdapters adapters,
                 @Value("${lto.models.command:}") String command) {
        this.props = props;
        this.campaignProps = campaignProps;
        this.campaign = campaign;
        this.reference = reference;
        this.adapters = adapters;
        this.commandMode = !command.isBlank();
        this.engine = new TradeoffEngine(props.settings(), props.physicsLite().settings(), store, registry, this::adapter, version -> {
            state = ModelStatus.State.READY;
            message = "serving " + version;
        });
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
            if (engine.loadProduction()) {
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
                engine.serveLiteCalibratedOn(samples).ifPresent(fidelity -> log.info("Tradeoff engine: physics-lite"
                        + " serves ({}), calibrated on the reference campaign; training the first stage", fidelity));
                state = ModelStatus.State.TRAINING;
                message = "physics-lite serves; training the first stage on the reference campaign " + reference.campaignId();
                engine.trainRegisterPromote(samples, "first start: trained on the reference campaign");
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
            engine.trainRegisterPromote(samples, "bootstrap: no production model existed");
        } catch (RuntimeException e) {
            state = ModelStatus.State.FAILED;
            message = "model load/bootstrap failed: " + e.getMessage();
            log.error("Tradeoff engine: {}", message, e);
        }
    }

    /** The engine itself (commands, benchmarks, the live-performance monitor). */
    public TradeoffEngine engine() {
        return engine;
    }

    boolean loadProduction() {
        return engine.loadProduction();
    }

    ModelMetrics trainRegisterPromote(List<CampaignSample> samples, String reason) {
        return engine.trainRegisterPromote(samples, reason);
    }

    /** The adapter the engine learns from and asks for physics-lite estimates (lto.models.campaign.adapter). */
    Optional<SimulatorInterface> adapter() {
        return adapters.find(campaignProps.adapter());
    }

    /**
     * Why a preflight would wait now, when nothing serves predictions (no model loaded yet, bootstrap
     * running with its ETA, or a failed load); empty while a model or physics-lite serves. Cheap: read
     * for every job entering PREFLIGHT.
     */
    public Optional<String> waitingReason() {
        if (engine.serving().isPresent()) {
            return Optional.empty();
        }
        CampaignProgress progress = state == ModelStatus.State.BOOTSTRAPPING ? campaign.progress().orElse(null) : null;
        return Optional.of("waiting for a tradeoff model (" + state + (message == null ? "" : ": " + message)
                + (progress == null ? "" : "; bootstrap " + progress) + "); the job moves on once one serves");
    }

    public ModelStatus status() {
        Optional<TradeoffEngine.Serving> s = engine.serving();
        CampaignProgress progress = state == ModelStatus.State.BOOTSTRAPPING ? campaign.progress().orElse(null) : null;
        if (s.isEmpty()) {
            return new ModelStatus(state, null, message, progress, null, null, null, null);
        }
        Map<String, Object> cal = engine.calibration();
        return new ModelStatus(state, s.get().version(), message, progress, engine.registryEntry().orElse(null),
                s.get().metadata(), cal, s.get().metrics() == null ? null : s.get().metrics().allGatesPassed());
    }

    public Optional<ModelMetrics> metrics() {
        return engine.metrics();
    }

    public String currentVersion() {
        return engine.currentVersion();
    }

    /** The campaigns the serving first stage was trained on: its drift reference's data (docs/ml.md §12). */
    public List<String> servingCampaigns() {
        return engine.servingCampaigns();
    }

    /** The drift reference stored with the serving model's artifacts (drift.json); empty for an older artifact. */
    public Optional<dev.lto.engine.drift.DriftReference> servingDriftReference() {
        return engine.servingDriftReference();
    }

    /** The serving cascade's scores for stored campaign jobs, physics-lite from their stored estimates. */
    public Optional<List<double[]>> predictStored(List<CampaignSample> samples) {
        return engine.predictStored(samples);
    }

    /** Predicts every job with the cascade serving at the call's start (docs/ml.md §11). */
    public List<TradeoffEstimate> predict(List<JobParameters> jobs, boolean explain) {
        return engine.predict(jobs, explain, () -> state + ": " + message);
    }

    /** One interactive prediction: physics-lite only when remembered or a slot is free (docs/ml.md §11). */
    public TradeoffEstimate predictInteractive(JobParameters job, boolean explain) {
        return engine.predictInteractive(job, explain, () -> state + ": " + message);
    }

    /** {@link #predict} plus the shadow candidate's answers when one is loaded (docs/ml.md §13, shadow). */
    public TradeoffEngine.Beside predictBeside(List<JobParameters> jobs) {
        return engine.predictBeside(jobs, false, () -> state + ": " + message);
    }

    /** First-stage answers without the cascade's routing (a fast screen); empty before a first stage is trained. */
    public Optional<List<TradeoffEstimate>> screen(List<JobParameters> jobs) {
        return engine.screen(jobs, false);
    }

    /** Physics-lite answers with calibrated intervals for every job; empty without physics-lite. */
    public Optional<List<TradeoffEstimate>> predictWithLite(List<JobParameters> jobs) {
        return engine.predictWithLite(jobs);
    }
}
