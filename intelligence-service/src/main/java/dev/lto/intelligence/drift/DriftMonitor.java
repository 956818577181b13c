package dev.lto.intelligence.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.contracts.events.AlertRaised;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.engine.drift.BinnedReference;
import dev.lto.engine.drift.DriftCheck;
import dev.lto.engine.drift.DriftReference;
import dev.lto.engine.drift.Psi;
import dev.lto.engine.drift.PsiThresholds;
import dev.lto.engine.drift.TrainingReference;
import dev.lto.engine.data.CampaignSample;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.models.ModelService;
import dev.lto.platform.streams.EventPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * PSI drift of the serving model (docs/ml.md §12): each input parameter and each predicted signal of
 * the last N preflights and of the last day against the model's reference, with the window-size
 * threshold of {@link PsiThresholds}. Exports {@code lto_model_drift_psi{feature,window}} and
 * {@code lto_model_drift_threshold{feature,window}}, and raises {@code model_drift} on
 * {@code lto.alerts} while some feature drifts (resolved when none does).
 *
 * <p>The reference is the one stored with the serving model's artifacts ({@code drift.json}, binned at
 * training time by {@link TrainingReference}), read when the version is first seen. An artifact saved
 * before references were stored (or with another bin count than {@code lto.drift.bins}) gets one binned
 * here from the same data, with a log line: inputs from every job of its campaigns; predicted signals
 * from the serving cascade's answers on the campaigns' non-TRAIN jobs (physics-lite from the stored
 * estimates), since answers on training jobs are optimistic.
 */
public class DriftMonitor {

    private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);
    static final String BINDING = "driftAlerts-out-0";
    static final String ALERT_TYPE = "model_drift";
    static final List<String> INPUTS = TrainingReference.INPUTS;
    static final String LAST_N = "last_n";
    static final String LAST_DAY = "last_day";

    public enum Verdict { DRIFT, NO_DRIFT, INSUFFICIENT_DATA }

    /** One feature on one window. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FeatureDrift(@JsonProperty("feature") String feature,
                               @JsonProperty("kind") String kind,
                               @JsonProperty("window") String window,
                               @JsonProperty("psi") Double psi,
                               @JsonProperty("window_size") int windowSize,
                               @JsonProperty("threshold") Double threshold,
                               @JsonProperty("false_alarm_probability") Double falseAlarmProbability,
                               @JsonProperty("verdict") Verdict verdict) {
    }

    /** What {@code GET /api/v1/models/drift} answers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DriftReport(@JsonProperty("model_version") String modelVersion,
                              @JsonProperty("computed_at") Instant computedAt,
                              @JsonProperty("reference") Map<String, Object> reference,
                              @JsonProperty("false_alarm_rate") double falseAlarmRate,
                              @JsonProperty("alert_false_alarm_probability") Double alertFalseAlarmProbability,
                              @JsonProperty("windows") Map<String, String> windows,
                              @JsonProperty("drifted") List<String> drifted,
                              @JsonProperty("features") List<FeatureDrift> features,
                              @JsonProperty("message") String message) {
    }

    /**
     * The serving version's reference; replaced when the version changes.
     *
     * @param source {@code artifact} (drift.json) or {@code campaigns} (binned at runtime)
     */
    record Reference(String version, DriftReference drift, List<String> campaigns, int inputRows, int predictionRows,
                     String source) {
    }

    private final DriftProperties props;
    private final ModelService models;
    private final CampaignStore campaigns;
    private final PreflightWindows windows;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final Clock clock;
    private final PsiThresholds thresholds;
    private final boolean commandMode;
    private final AtomicReference<Reference> reference = new AtomicReference<>();
    private final AtomicReference<DriftReport> report = new AtomicReference<>();
    private final Map<String, double[]> gaugeValues = new ConcurrentHashMap<>();
    /** Features with an open {@code model_drift} alert (raised and not resolved). */
    private final Set<String> alerting = new HashSet<>();

    /** Told each feature whose drift alert was just raised (the lifecycle retrains on drift). */
    private final java.util.function.Consumer<String> onAlert;

    /** @param onAlert told each feature whose drift alert was just raised (the lifecycle retrains on drift) */
    DriftMonitor(DriftProperties props, ModelService models, CampaignStore campaigns, PreflightWindows windows,
                 EventPublisher publisher, MeterRegistry meters, Clock clock, boolean commandMode,
                 java.util.function.Consumer<String> onAlert) {
        this.onAlert = onAlert;
        this.props = props;
        this.models = models;
        this.campaigns = campaigns;
        this.windows = windows;
        this.publisher = publisher;
        this.meters = meters;
        this.clock = clock;
        this.commandMode = commandMode;
        this.thresholds = new PsiThresholds(props.falseAlarm(), props.simulations(),
                PsiThresholds.DEFAULT_MAX_SIMULATED, 20261203L);
    }

    @Scheduled(fixedDelayString = "${lto.drift.interval:1m}", initialDelayString = "${lto.drift.interval:1m}")
    void scheduledRefresh() {
        if (!props.enabled() || commandMode) {
            return;
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("Drift: refresh failed ({}); next try in {}", e.toString(), props.interval());
        }
    }

    /** The latest report, computed now if none exists yet. */
    public DriftReport report() {
        DriftReport r = report.get();
        return r != null ? r : refresh();
    }

    /** Recomputes every window, updates the gauges and raises or resolves the drift alert. */
    public synchronized DriftReport refresh() {
        String version = models.currentVersion();
        Instant now = clock.instant();
        Map<String, String> windowNames = new LinkedHashMap<>();
        windowNames.put(LAST_N, "the last " + props.lastN() + " preflights");
        windowNames.put(LAST_DAY, "preflights since " + now.minus(props.day()) + " (at most " + props.maxDay() + ")");
        Optional<Reference> ref = version == null ? Optional.empty() : referenceFor(version);
        if (ref.isEmpty()) {
            DriftReport r = new DriftReport(version, now, null, props.falseAlarm(), null, windowNames, List.of(), List.of(),
                    version == null ? "no model serves" : "no drift reference: the serving " + version
                            + " has no stored training campaign (physics-lite alone has no training data)");
            report.set(r);
            return r;
        }
        Reference rf = ref.get();
        List<FeatureDrift> out = new ArrayList<>();
        out.addAll(check(rf, LAST_N, windows.last(props.lastN())));
        out.addAll(check(rf, LAST_DAY, windows.since(now.minus(props.day()), props.maxDay())));
        for (FeatureDrift f : out) {
            gauge(f.feature(), f.window())[0] = f.psi() == null ? Double.NaN : f.psi();
            gauge(f.feature(), f.window())[1] = f.threshold() == null ? Double.NaN : f.threshold();
        }
        // One alert for all features and windows: each check is at the false-alarm rate, so the alert
        // asks for a Bonferroni-corrected one (rate / number of checks) to keep its own rate at most that.
        long checks = out.stream().filter(f -> f.verdict() != Verdict.INSUFFICIENT_DATA).count();
        double alertLevel = checks == 0 ? 0 : props.falseAlarm() / checks;
        List<String> drifted = out.stream().filter(f -> f.verdict() == Verdict.DRIFT).map(FeatureDrift::feature).distinct().toList();
        List<FeatureDrift> alarming = out.stream().filter(f -> f.verdict() == Verdict.DRIFT && f.falseAlarmProbability() <= alertLevel)
                .toList();
        Map<String, Object> refInfo = new LinkedHashMap<>();
        refInfo.put("campaigns", rf.campaigns());
        refInfo.put("input_rows", rf.inputRows());
        refInfo.put("prediction_rows", rf.predictionRows());
        refInfo.put("bins", rf.drift().bins());
        refInfo.put("source", rf.source());
        DriftReport r = new DriftReport(version, now, refInfo, props.falseAlarm(), checks == 0 ? null : alertLevel, windowNames,
                drifted, out, null);
        report.set(r);
        alert(version, alarming);
        return r;
    }

    private List<FeatureDrift> check(Reference rf, String window, List<PreflightWindows.Preflight> rows) {
        Map<String, double[]> columns = inputColumns(rows.stream().map(PreflightWindows.Preflight::parameters).toList());
        List<double[]> scores = rows.stream().filter(p -> rf.version().equals(p.modelVersion()))
                .map(PreflightWindows.Preflight::scores).toList();
        columns.putAll(signalColumns(scores));
        List<FeatureDrift> out = new ArrayList<>();
        for (BinnedReference f : rf.drift().features()) {
            double[] v = columns.getOrDefault(f.feature(), new double[0]);
            String kind = INPUTS.contains(f.feature()) ? "input" : "prediction";
            if (v.length < Math.max(1, props.minWindow())) {
                out.add(new FeatureDrift(f.feature(), kind, window, v.length == 0 ? null : Psi.of(f, v), v.length,
                        null, null, Verdict.INSUFFICIENT_DATA));
                continue;
            }
            DriftCheck c = thresholds.check(f, v);
            out.add(new FeatureDrift(f.feature(), kind, window, c.psi(), c.windowSize(), c.threshold(), c.falseAlarmProbability(),
                    c.drifted() ? Verdict.DRIFT : Verdict.NO_DRIFT));
        }
        return out;
    }

    private void alert(String version, List<FeatureDrift> alarming) {
        Set<String> now = new HashSet<>();
        for (FeatureDrift f : alarming) {
            now.add(f.feature());
        }
        for (FeatureDrift f : alarming) {
            if (alerting.contains(f.feature())) {
                continue;
            }
            String message = String.format("%s drift detected on %s: PSI %.4f over %s of %d (threshold %.4f at this window size;"
                            + " false-alarm probability %.2g)", f.kind().equals("input") ? "Input" : "Prediction", f.feature(), f.psi(),
                    f.window().equals(LAST_N) ? "the last preflights" : "the last day's preflights", f.windowSize(), f.threshold(),
                    f.falseAlarmProbability());
            if (publish(new AlertRaised(ALERT_TYPE, AlertSeverity.WARN, null, message,
                    "Check what changed in the submitted jobs; retrain model " + version + " on recent jobs if the new distribution is intended",
                    fingerprint(f.feature()), null))) {
                alerting.add(f.feature());
                try {
                    onAlert.accept(f.feature());
                } catch (RuntimeException e) {
                    log.warn("Drift: the drift-alert hook failed for {} ({})", f.feature(), e.toString());
                }
            }
        }
        for (String feature : List.copyOf(alerting)) {
            if (!now.contains(feature) && publish(new AlertRaised(ALERT_TYPE, AlertSeverity.INFO, null,
                    "Drift on " + feature + " cleared", null, fingerprint(feature), true))) {
                alerting.remove(feature);
            }
        }
    }

    private static String fingerprint(String feature) {
        return ALERT_TYPE + "/" + feature;
    }

    /** False when the stream did not take it; the next refresh tries again. */
    private boolean publish(AlertRaised a) {
        return publisher.tryPublish(BINDING, EventEnvelope.of(EventTypes.ALERT_RAISED, a.effectiveFingerprint(), "intelligence-service", a),
                "retried on the next refresh");
    }

    private double[] gauge(String feature, String window) {
        return gaugeValues.computeIfAbsent(feature + "|" + window, k -> {
            double[] v = {Double.NaN, Double.NaN};
            register("lto.model.drift.psi", "PSI of the window against the serving model's training reference", feature, window, v,
                    a -> a[0]);
            register("lto.model.drift.threshold", "PSI above which this window size is drift (false-alarm rate lto.drift.false-alarm)",
                    feature, window, v, a -> a[1]);
            return v;
        });
    }

    private void register(String name, String description, String feature, String window, double[] v, ToDoubleFunction<double[]> f) {
        Gauge.builder(name, v, f).description(description).tag("feature", feature).tag("window", window).register(meters);
    }

    private Optional<Reference> referenceFor(String version) {
        Reference cur = reference.get();
        if (cur != null && cur.version().equals(version)) {
            return Optional.of(cur);
        }
        Optional<DriftReference> stored = models.servingDriftReference().filter(d -> d.bins() == props.bins());
        if (stored.isPresent()) {
            DriftReference d = stored.get();
            // The stored bins carry their row counts: inputs share one count, predicted signals another.
            int inputRows = d.feature(INPUTS.get(0)).map(BinnedReference::size).orElse(0);
            int predictionRows = d.feature(TradeoffSignals.NAMES.get(0)).map(BinnedReference::size).orElse(0);
            Reference r = new Reference(version, d, models.servingCampaigns(), inputRows, predictionRows, "artifact");
            reference.set(r);
            log.info("Drift: reference of {} read from its artifact (drift.json: {} features)", version, d.features().size());
            return Optional.of(r);
        }
        log.info("Drift: model {} has no stored drift reference with {} bins (an artifact saved before references were"
                + " stored); binning its training campaigns now", version, props.bins());
        Optional<Reference> built = buildFromCampaigns(version);
        built.ifPresent(reference::set);
        return built;
    }

    /** The reference binned from the serving model's campaigns at runtime (older artifacts). */
    Optional<Reference> buildFromCampaigns(String version) {
        List<String> ids = models.servingCampaigns();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        List<CampaignSample> samples = new ArrayList<>();
        ids.forEach(id -> samples.addAll(campaigns.load(id)));
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        List<double[]> predicted = models.predictStored(TrainingReference.heldOut(samples)).orElse(List.of());
        Reference r = new Reference(version, TrainingReference.fit(samples, predicted, props.bins()), ids, samples.size(),
                predicted.size(), "campaigns");
        log.info("Drift: reference of {} from campaigns {} ({} jobs, {} held-out predictions)", version, ids, samples.size(),
                predicted.size());
        return Optional.of(r);
    }

    static Map<String, double[]> inputColumns(List<JobParameters> jobs) {
        return TrainingReference.inputColumns(jobs);
    }

    static Map<String, double[]> signalColumns(List<double[]> scores) {
        return TrainingReference.signalColumns(scores);
    }
}
