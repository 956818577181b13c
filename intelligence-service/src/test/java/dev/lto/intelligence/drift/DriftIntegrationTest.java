package dev.lto.intelligence.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.engine.drift.BinnedReference;
import dev.lto.engine.drift.DriftReference;
import dev.lto.engine.data.CampaignSample;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.engine.models.FakePhysics;
import dev.lto.intelligence.models.ModelService;
import dev.lto.engine.serving.TradeoffEstimate;
import dev.lto.intelligence.preflight.PredictionStore;
import dev.lto.intelligence.preflight.PreflightDecision;
import dev.lto.intelligence.tradeoffs.TradeoffAnswers;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drift in the running service with its real stores (DuckDB, Redis): a bootstrapped model, preflight
 * decisions stored by {@link PredictionStore}, windows read back, PSI with the window-size threshold,
 * the gauge, {@code GET /api/v1/models/drift} and the {@code model_drift} alert on {@code lto.alerts}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.models.bootstrap.enabled=true",
        "lto.models.bootstrap.samples=300",
        "lto.models.campaign.adapter=fake",
        "lto.models.xgboost.trees=30",
        "lto.models.mlp.max-epochs=20",
        "lto.models.mlp.patience=5",
        "lto.models.mlp.mc-passes=10",
        "lto.models.gp.subset=100",
        "lto.drift.last-n=300",
        "lto.drift.interval=1h",
        "lto.drift.simulations=4000"})
class DriftIntegrationTest {

    /** Moves the drift monitor's "last day" without waiting a day. */
    static final AtomicReference<Instant> NOW = new AtomicReference<>();

    @TestConfiguration
    static class Fakes {
        @Bean
        SimulatorInterface fakeSimulator() {
            return new FakePhysics();
        }

        @Bean
        Clock driftClock() {
            return new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    Instant i = NOW.get();
                    return i != null ? i : Instant.now();
                }
            };
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-drift-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    ModelService models;
    @Autowired
    CampaignStore campaigns;
    @Autowired
    PredictionStore predictions;
    @Autowired
    TradeoffAnswers answers;
    @Autowired
    DriftMonitor monitor;
    @Autowired
    MeterRegistry meters;
    @Autowired
    StringRedisTemplate redis;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();
    private int jobs;
    /** This test's alerts only (the shared test Redis holds other tests' too). */
    private final dev.lto.intelligence.AlertStream alertStream = dev.lto.intelligence.AlertStream.markNow();

    @Test
    void aShiftedInputDriftsRaisesTheAlertAndClears() throws Exception {
        assertThat(http.get("/api/v1/models/drift").statusCode()).isEqualTo(503);
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2))
                .until(() -> "READY".equals(models.status().status().name()) && !models.servingCampaigns().isEmpty());
        List<JobParameters> reference = models.servingCampaigns().stream().flatMap(c -> campaigns.load(c).stream())
                .map(CampaignSample::parameters).toList();
        SplittableRandom rng = new SplittableRandom(7);

        // Windows resampled from the training jobs themselves: no drift by construction.
        store(resample(reference, 300, rng, UnaryOperator.identity()));
        DriftMonitor.DriftReport calm = monitor.refresh();
        assertThat(calm.features()).hasSize(2 * (DriftMonitor.INPUTS.size() + 6));
        var dose = feature(calm, "dose_mj_cm2", DriftMonitor.LAST_N);
        assertThat(dose.windowSize()).isEqualTo(300);
        assertThat(dose.verdict()).isEqualTo(DriftMonitor.Verdict.NO_DRIFT);
        assertThat(dose.threshold()).isBetween(0.01, 0.2);
        long calmAlarms = calm.features().stream().filter(f -> f.verdict() == DriftMonitor.Verdict.DRIFT).count();
        assertThat(calmAlarms).as("no-drift verdicts at 1%% each over %d checks", calm.features().size()).isLessThanOrEqualTo(2);
        assertThat(alerts()).noneMatch(a -> a.contains("model_drift/"));

        // Dose four times higher (inside the contract's 1–100): the input and the predictions that depend on it move.
        store(resample(reference, 300, rng, p -> withDose(p, Math.min(100, p.doseMjCm2() * 4))));
        DriftMonitor.DriftReport shifted = monitor.refresh();
        var doseShift = feature(shifted, "dose_mj_cm2", DriftMonitor.LAST_N);
        assertThat(doseShift.verdict()).isEqualTo(DriftMonitor.Verdict.DRIFT);
        assertThat(doseShift.psi()).isGreaterThan(doseShift.threshold());
        assertThat(doseShift.falseAlarmProbability()).isLessThan(1e-3);
        assertThat(feature(shifted, "na", DriftMonitor.LAST_N).verdict()).isEqualTo(DriftMonitor.Verdict.NO_DRIFT);
        // The day window holds both halves (600): diluted, still drift.
        assertThat(feature(shifted, "dose_mj_cm2", DriftMonitor.LAST_DAY).windowSize()).isEqualTo(600);
        assertThat(feature(shifted, "dose_mj_cm2", DriftMonitor.LAST_DAY).verdict()).isEqualTo(DriftMonitor.Verdict.DRIFT);

        assertThat(meters.get("lto.model.drift.psi").tag("feature", "dose_mj_cm2").tag("window", "last_n").gauge().value())
                .isEqualTo(doseShift.psi());
        String scrape = http.get("/actuator/prometheus").body();
        assertThat(scrape).contains("lto_model_drift_psi{feature=\"dose_mj_cm2\"").contains("lto_model_drift_threshold{");

        JsonNode api = json.readTree(http.get("/api/v1/models/drift").body());
        JsonNode doseApi = null;
        for (JsonNode f : api.path("features")) {
            if (f.path("feature").asString().equals("dose_mj_cm2") && f.path("window").asString().equals("last_n")) {
                doseApi = f;
            }
        }
        assertThat(doseApi).isNotNull();
        assertThat(doseApi.path("verdict").asString()).isEqualTo("DRIFT");
        assertThat(doseApi.path("window_size").asInt()).isEqualTo(300);
        assertThat(doseApi.path("threshold").asDouble()).isEqualTo(doseShift.threshold());
        assertThat(api.path("model_version").asString()).isEqualTo(models.currentVersion());
        assertThat(api.path("drifted").toString()).contains("dose_mj_cm2");

        List<String> raised = alerts();
        assertThat(raised).anyMatch(a -> a.contains("\"fingerprint\":\"model_drift/dose_mj_cm2\"") && a.contains("Input drift detected on dose_mj_cm2"));
        // A second refresh on the same windows raises nothing new.
        monitor.refresh();
        assertThat(alerts()).hasSize(raised.size());

        // A day later with calm jobs: both windows calm (the day window is too small for a verdict) → resolved.
        NOW.set(Instant.now().plus(Duration.ofHours(25)));
        store(resample(reference, 300, rng, UnaryOperator.identity()));
        DriftMonitor.DriftReport later = monitor.refresh();
        assertThat(feature(later, "dose_mj_cm2", DriftMonitor.LAST_N).verdict()).isEqualTo(DriftMonitor.Verdict.NO_DRIFT);
        assertThat(feature(later, "dose_mj_cm2", DriftMonitor.LAST_DAY).verdict()).isEqualTo(DriftMonitor.Verdict.INSUFFICIENT_DATA);
        assertThat(alerts()).anyMatch(a -> a.contains("\"fingerprint\":\"model_drift/dose_mj_cm2\"") && a.contains("\"resolved\":true"));
    }

    @Test
    void theReferenceComesFromTheArtifactAndEqualsTheOneBinnedFromTheCampaigns() throws Exception {
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2))
                .until(() -> "READY".equals(models.status().status().name()) && !models.servingCampaigns().isEmpty());
        String version = models.currentVersion();
        DriftReference stored = models.servingDriftReference().orElseThrow();
        assertThat(monitor.report().reference()).containsEntry("source", "artifact");
        // The runtime fallback (older artifacts) bins the same campaigns with the loaded model's answers: the same reference.
        DriftReference rebuilt = monitor.buildFromCampaigns(version).orElseThrow().drift();
        assertThat(stored).isEqualTo(rebuilt);
        JsonNode api = json.readTree(http.get("/api/v1/models/drift").body());
        assertThat(api.at("/reference/source").asString()).isEqualTo("artifact");
        assertThat(api.at("/reference/input_rows").asInt()).isEqualTo(stored.feature("na").orElseThrow().size());
    }

    @Test
    void theReferenceSerialisesAsJsonForTheModelArtifacts() {
        DriftReference ref = DriftReference.fit(java.util.Map.of("na", new SplittableRandom(1).doubles(1_000).toArray()), 10);
        JsonMapper mapper = JsonMapper.builder().build();
        DriftReference back = mapper.readValue(mapper.writeValueAsString(ref), DriftReference.class);
        assertThat(back).isEqualTo(ref);
        assertThat(back.feature("na").map(BinnedReference::bins)).contains(10);
    }

    private DriftMonitor.FeatureDrift feature(DriftMonitor.DriftReport r, String name, String window) {
        return r.features().stream().filter(f -> f.feature().equals(name) && f.window().equals(window)).findFirst().orElseThrow();
    }

    private List<String> alerts() {
        return alertStream.read(redis);
    }

    private List<JobParameters> resample(List<JobParameters> from, int n, SplittableRandom rng, UnaryOperator<JobParameters> change) {
        List<JobParameters> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(change.apply(from.get(rng.nextInt(from.size()))));
        }
        return out;
    }

    private void store(List<JobParameters> window) {
        List<TradeoffEstimate> est = models.predict(window, false);
        for (int i = 0; i < window.size(); i++) {
            predictions.store("job_drift_" + (jobs++), new PreflightDecision(answers.candidate(window.get(i), est.get(i), 1), false,
                    List.of(), List.of(), List.of()));
        }
    }

    private static JobParameters withDose(JobParameters p, double dose) {
        return new JobParameters(p.jobId(), p.na(), p.wavelengthNm(), dose, p.sigma(), p.resistThicknessNm(), p.gridSizeNm(),
                p.patternComplexity(), p.useAiSurrogate(), p.jobClass(), p.priority(), p.constraintProfile(), p.submittedBy(),
                p.metadata());
    }
}
