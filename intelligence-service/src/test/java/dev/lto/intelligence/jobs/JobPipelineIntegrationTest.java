package dev.lto.intelligence.jobs;

import dev.lto.engine.models.FakePhysics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobPriority;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole pipeline in the running service on a real Redis: a small model bootstrapped on the fake
 * physics, then jobs through preflight, the gate, dispatch to the in-process CPU worker, evaluation,
 * retries, cancel, review and the report. The "bench" adapter fails, sleeps or shifts a signal when
 * a job's metadata asks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.jobs.default-adapter=bench",
        "lto.models.bootstrap.enabled=true",
        "lto.models.bootstrap.samples=160",
        "lto.models.campaign.adapter=fake",
        "lto.models.xgboost.trees=40",
        "lto.models.mlp.max-epochs=40",
        "lto.models.mlp.patience=8",
        "lto.models.mlp.mc-passes=20",
        "lto.models.gp.subset=80",
        "lto.pipeline.retry-delay=1s",
        "lto.pipeline.cpu-slots=2",
        "lto.pipeline.preflight-retry-interval=1s",
        "lto.pipeline.monitoring-interval=1s",
        "lto.models.live.window=3",
        "lto.preflight.candidates=120",
        // A profile that blocks on the predicted score alone, whatever the model's uncertainty.
        "lto.constraints.profiles.gatekeeper.block-on=score",
        "lto.constraints.profiles.gatekeeper.limits[0].name=yield_risk_max",
        "lto.constraints.profiles.gatekeeper.limits[0].signal=yield_risk",
        "lto.constraints.profiles.gatekeeper.limits[0].max=0.5",
        "lto.constraints.profiles.gatekeeper.limits[0].severity=CRITICAL",
        // A profile that leaves block-on at the default (confident), with a CRITICAL limit that sits inside
        // physics-lite's wide interval near the fake's yield cliff (dose 1.6–2.0), where it is unsure.
        "lto.constraints.profiles.cliffwatch.limits[0].name=cost_min",
        "lto.constraints.profiles.cliffwatch.limits[0].signal=cost_vs_fidelity",
        "lto.constraints.profiles.cliffwatch.limits[0].min=0.24",
        "lto.constraints.profiles.cliffwatch.limits[0].severity=CRITICAL",
        // A profile no parameter set can meet: the fake's health never reaches 0.99.
        "lto.constraints.profiles.unreachable.block-on=score",
        "lto.constraints.profiles.unreachable.limits[0].name=health_min",
        "lto.constraints.profiles.unreachable.limits[0].signal=overall_health",
        "lto.constraints.profiles.unreachable.limits[0].min=0.99",
        "lto.constraints.profiles.unreachable.limits[0].severity=CRITICAL"})
class JobPipelineIntegrationTest {

    @TestConfiguration
    static class Adapters {
        @Bean
        SimulatorInterface fakeSimulator() {
            return new FakePhysics();
        }

        @Bean
        SimulatorInterface benchSimulator() {
            return new BenchSimulator();
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-pipeline-test")::toString);
    }

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Value("${lto.data-dir}")
    String dataDir;

    @Autowired
    EventPublisher publisher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    SimulatorInterface[] adapters;

    BenchSimulator bench;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    void modelServes() {
        bench = (BenchSimulator) Arrays.stream(adapters).filter(a -> a.adapterType().equals("bench")).findFirst().orElseThrow();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json.readTree(http.get("/api/v1/models/current").body()).path("status").asString().equals("READY"));
    }

    @Test
    void aSoundJobRunsAndIsEvaluatedAgainstItsPrediction() throws Exception {
        JobParameters p = job("job_pl000001", 0.33, 30, Map.of());
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("history").findValuesAsString("to")).containsSubsequence(
                "SUBMITTED", "VALIDATING", "PREFLIGHT", "QUEUED", "RUNNING", "EVALUATING");

        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
        assertEvaluatedAsPredicted(job, report, FakePhysics.signals(p));
        assertThat(report.at("/prediction/model_version").asString()).isEqualTo("v1");
        assertThat(report.at("/preflight/blocked").asBoolean()).isFalse();
        assertThat(report.at("/execution/attempts").asInt()).isEqualTo(1);
        assertThat(report.at("/execution/device_class").asString()).isEqualTo("cpu");
        double actualYield = FakePhysics.signals(p).yieldRisk();
        assertThat(report.at("/result/tradeoff_signals/yield_risk").asDouble()).isEqualTo(actualYield);
        JsonNode yieldCheck = report.at("/evaluation/signals/4");
        assertThat(yieldCheck.get("signal").asString()).isEqualTo("yield_risk");
        assertThat(yieldCheck.get("actual").asDouble()).isEqualTo(actualYield);
        assertThat(yieldCheck.get("inside").asBoolean()).isEqualTo(actualYield >= yieldCheck.get("ci_low").asDouble()
                && actualYield <= yieldCheck.get("ci_high").asDouble());
        assertThat(report.at("/evaluation/anomaly").asBoolean()).isEqualTo(job.get("state").asString().equals("ANOMALY_FLAGGED"));

        assertThat(jdbc.sql("SELECT yield_risk FROM simulation_jobs WHERE job_id = ?").param(p.jobId()).query(Double.class).single())
                .isEqualTo(actualYield);
        assertThat(count("SELECT count(*) FROM tradeoff_predictions WHERE job_id = ? AND prediction_type = 'preflight'", p.jobId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM training_buffer WHERE job_id = ?", p.jobId())).isEqualTo(1);

        // The simulator's progress while the job ran reached lto.events for the action layer.
        await().atMost(Duration.ofSeconds(10)).until(() -> TestRedis.shared().command("XRANGE", "lto.events", "-", "+").toString()
                .contains(p.jobId() + "/progress/"));
    }

    @Test
    void aJobPredictedToBreakItsProfileIsBlockedWithAlternativesThatSatisfyIt() throws Exception {
        // Fake physics: yield risk ≈ 0.9 at 1 mJ/cm², far above the profile's CRITICAL 0.5.
        JobParameters p = withProfile(job("job_pl000002", 0.33, 1.0, Map.of()), "gatekeeper");
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isEqualTo("BLOCKED");
        String reason = job.get("history").get(job.get("history").size() - 1).get("reason").asString();
        assertThat(reason).contains("profile 'gatekeeper' violated").contains("yield_risk");

        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
        JsonNode alts = report.at("/preflight/alternatives");
        assertThat(alts.size()).isBetween(1, 3);
        double previous = -1;
        for (JsonNode alt : alts) {
            assertThat(alt.get("distance").asDouble()).isGreaterThanOrEqualTo(previous);
            previous = alt.get("distance").asDouble();
            assertThat(alt.at("/parameters/wavelength_nm").asDouble()).isEqualTo(p.wavelengthNm());
            assertThat(alt.at("/parameters/job_class").asInt()).isEqualTo(p.jobClass());
            assertThat(alt.get("meets_profile").asBoolean()).isTrue();
            // Ask the engine again, independently: the alternative must satisfy the whole profile.
            HttpResponse<String> again = http.post("/api/v1/tradeoffs/predict", json.writeValueAsString(alt.get("parameters")));
            assertThat(json.readTree(again.body()).at("/constraints/all_satisfied").asBoolean()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM job_dispatch WHERE job_id = ?", p.jobId())).isZero();

        // The BLOCKED event carries the closest alternative as its recommendation (the action layer's alert shows it).
        String first = alts.get(0).get("changes").properties().iterator().next().getKey();
        await().atMost(Duration.ofSeconds(10)).until(() -> TestRedis.shared().command("XRANGE", "lto.events", "-", "+").toString()
                .matches("(?s).*\\{\"job_id\":\"" + p.jobId() + "\",\"from\":\"PREFLIGHT\",\"to\":\"BLOCKED\"[^}]*"
                        + "\"recommendation\":\"Resubmit with [^\"]*" + first + "=[^\"]*: predicted to meet the whole constraint profile.*"));
    }

    @Test
    void aJobBlockedByAProfileNothingNearbyCanMeetIsBlockedWithoutAlternatives() throws Exception {
        // The search finds no candidate that clears the blocking limit: the job must still end BLOCKED, saying
        // so (it once stayed in PREFLIGHT for ever: the search failed on an empty, immutable candidate list).
        JobParameters p = withProfile(job("job_pl00000s", 0.4, 30, Map.of()), "unreachable");
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isEqualTo("BLOCKED");
        assertThat(job.get("history").get(job.get("history").size() - 1).get("reason").asString())
                .contains("profile 'unreachable' violated").endsWith("no alternative nearby clears its blocking limits");
        assertThat(report(p.jobId()).at("/preflight/alternatives").size()).isZero();
    }

    @Test
    void theDefaultProfileBlocksAViolationTheModelIsConfidentOf() throws Exception {
        // Default profile, block-on confident. Fake physics: yield risk 0.913 at 1 mJ/cm², far above the
        // CRITICAL yield_risk_max 0.5, and 1 mJ/cm² is off the cliff band, where physics-lite is exact.
        JobParameters p = job("job_pl00000h", 0.33, 1.0, Map.of());
        assertThat(FakePhysics.signals(p).yieldRisk()).as("precondition: the truth breaks the limit").isGreaterThan(0.9);
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        JsonNode report = report(p.jobId());
        assertThat(report.at("/prediction/uncertainty/recommend_physics_simulation").asBoolean())
                .as("precondition: the model is confident (no physics recommended): %s", report.at("/prediction")).isFalse();
        assertThat(report.at("/prediction/predictions/yield_risk/score").asDouble()).isGreaterThan(0.5);
        // Confident: every CRITICAL limit the predicted scores break blocks (here yield risk, and health 0.34 < 0.4 too).
        assertBlockedWithAlternatives(p, job, report, defaultLimitsBroken(report.get("prediction"), false));
    }

    @Test
    void theDefaultProfileBlocksAViolationWhoseWholeIntervalBreaksTheLimit() throws Exception {
        // The same job with metadata: physics-lite (which answers jobs with metadata the first stage never saw)
        // recommends physics because of it, but its whole 95% interval for yield risk lies above 0.5.
        JobParameters p = job("job_pl00000i", 0.33, 1.0, Map.of("defocus_nm", 0.0));
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        JsonNode report = report(p.jobId());
        assertThat(report.at("/prediction/uncertainty/recommend_physics_simulation").asBoolean())
                .as("precondition: physics recommended: %s", report.at("/prediction")).isTrue();
        assertThat(report.at("/prediction/predictions/yield_risk/ci_low").asDouble())
                .as("precondition: the whole interval breaks the limit").isGreaterThan(0.5);
        // Unsure: only the violations whose whole interval lies beyond the limit block.
        assertBlockedWithAlternatives(p, job, report, defaultLimitsBroken(report.get("prediction"), true));
    }

    @Test
    void theDefaultProfileBlocksAConfidentPredictionEvenWhenItsIntervalStraddlesTheLimit() throws Exception {
        // Block-on confident blocks a predicted CRITICAL violation whenever the model does not recommend physics,
        // whatever its interval. Such a job is found by asking the engine that judges it at preflight (the same
        // cascade; deterministic) about sound-looking jobs off the yield cliff whose true health is near 0.4.
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        List<JobParameters> candidates = new java.util.ArrayList<>();
        while (candidates.size() < 300) {
            JobParameters c = new JobParameters("job_pl00000p" + candidates.size(), 0.15 + 0.4 * r.nextDouble(), 193.0,
                    2.2 * Math.exp(r.nextDouble() * 2), 0.2 + 0.8 * r.nextDouble(), 60.0, 0.5 + 4 * r.nextDouble(),
                    PatternComplexity.values()[r.nextInt(4)], true, 3, null, null, "pipeline-test", Map.of());
            double health = FakePhysics.signals(c).overallHealth();
            if (health > 0.35 && health < 0.45) {
                candidates.add(c);
            }
        }
        JobParameters p = null;
        JsonNode predicted = null;
        for (int from = 0; from < candidates.size() && p == null; from += 100) {
            List<JobParameters> chunk = candidates.subList(from, from + 100); // request bodies are limited to 64 KiB
            HttpResponse<String> answer = http.post("/api/v1/tradeoffs/predict/batch", json.writeValueAsString(Map.of("jobs", chunk)));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode batch = json.readTree(answer.body());
            for (int i = 0; i < chunk.size() && p == null; i++) {
                JsonNode c = batch.get("predictions").get(i);
                List<String> byScore = defaultLimitsBroken(c, false);
                if (!c.at("/uncertainty/recommend_physics_simulation").asBoolean() && !byScore.isEmpty()
                        && !byScore.equals(defaultLimitsBroken(c, true))) {
                    p = chunk.get(i).withJobId("job_pl00000p");
                    predicted = c;
                }
            }
        }
        assertThat(p).as("precondition: a confident prediction of a CRITICAL violation with its interval straddling the"
                + " limit among %d candidates", candidates.size()).isNotNull();
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        JsonNode report = report(p.jobId());
        assertThat(report.at("/prediction/predictions")).as("preflight saw the same prediction").isEqualTo(predicted.get("predictions"));
        assertThat(report.at("/prediction/uncertainty/recommend_physics_simulation").asBoolean()).isFalse();
        assertBlockedWithAlternatives(p, job, report, defaultLimitsBroken(report.get("prediction"), false));
    }

    /** A job blocked by the default profile's CRITICAL limits, its reason, and alternatives the fake's truth bears out. */
    private void assertBlockedWithAlternatives(JobParameters p, JsonNode job, JsonNode report, List<String> blocking)
            throws Exception {
        assertThat(job.get("state").asString()).isEqualTo("BLOCKED");
        String reason = job.get("history").get(job.get("history").size() - 1).get("reason").asString();
        assertThat(reason).contains("profile 'default' violated");
        for (String limit : blocking) {
            assertThat(reason).contains(limit.equals("yield_risk_max") ? "yield_risk" : "overall_health");
        }
        assertThat(report.at("/preflight/blocked").asBoolean()).isTrue();
        assertThat(blocking).isNotEmpty();
        assertThat(report.at("/preflight/blocking_violations").findValuesAsString("constraint"))
                .containsExactlyInAnyOrderElementsOf(blocking);
        // A predicted violation that does not block is listed as unconfirmed.
        List<String> unconfirmed = new java.util.ArrayList<>(defaultLimitsBroken(report.get("prediction"), false));
        unconfirmed.removeAll(blocking);
        assertThat(report.at("/preflight/unconfirmed_violations").findValuesAsString("constraint"))
                .containsExactlyInAnyOrderElementsOf(unconfirmed);
        assertThat(count("SELECT count(*) FROM job_dispatch WHERE job_id = ?", p.jobId())).isZero();
        assertThat(count("SELECT count(*) FROM simulation_results WHERE job_id = ?", p.jobId())).isZero();

        JsonNode alts = report.at("/preflight/alternatives");
        assertThat(alts.size()).isBetween(1, 3);
        double previous = -1;
        for (JsonNode alt : alts) {
            assertThat(alt.get("distance").asDouble()).isGreaterThanOrEqualTo(previous);
            previous = alt.get("distance").asDouble();
            assertThat(alt.at("/parameters/wavelength_nm").asDouble()).isEqualTo(p.wavelengthNm());
            assertThat(alt.at("/parameters/job_class").asInt()).isEqualTo(p.jobClass());
            assertThat(alt.at("/parameters/constraint_profile").asString()).isEqualTo("default");
            assertThat(alt.get("verified_by").asString()).isEqualTo("physics_lite");
            // As offered, it clears the CRITICAL limits (and, when it says it meets the profile, every limit).
            assertThat(defaultLimitsBroken(alt, false)).as("alternative %s", alt.get("changes")).isEmpty();
            if (alt.get("meets_profile").asBoolean()) {
                assertThat(alt.at("/predictions/resolution_vs_dof/score").asDouble()).isGreaterThanOrEqualTo(0.2);
                assertThat(alt.at("/predictions/surrogate_reliability/score").asDouble()).isGreaterThanOrEqualTo(0.5);
            } else {
                assertThat(alt.get("remaining_violations").findValuesAsString("severity")).doesNotContain("CRITICAL", "EMERGENCY");
            }
            // And the fake's truth bears it out, within physics-lite's largest error off the cliff (0.35 × 0.004 on health).
            TradeoffSignals truth = FakePhysics.signals(json.treeToValue(alt.get("parameters"), JobParameters.class));
            assertThat(truth.yieldRisk()).as("alternative %s", alt.get("changes")).isLessThanOrEqualTo(0.5);
            assertThat(truth.overallHealth()).as("alternative %s", alt.get("changes")).isGreaterThanOrEqualTo(0.4 - 0.0015);
        }
    }

    /**
     * The default profile's CRITICAL limits (yield_risk ≤ 0.5, overall_health ≥ 0.4) that the prediction breaks:
     * by its score, or ({@code wholeInterval}) with its whole 95% interval beyond the limit.
     */
    private static List<String> defaultLimitsBroken(JsonNode prediction, boolean wholeInterval) {
        JsonNode y = prediction.at("/predictions/yield_risk");
        JsonNode h = prediction.at("/predictions/overall_health");
        List<String> broken = new java.util.ArrayList<>();
        if ((wholeInterval ? y.get("ci_low") : y.get("score")).asDouble() > 0.5) {
            broken.add("yield_risk_max");
        }
        if ((wholeInterval ? h.get("ci_high") : h.get("score")).asDouble() < 0.4) {
            broken.add("overall_health_min");
        }
        return broken;
    }

    @Test
    void anUncertainPredictedViolationLetsTheJobRunAndTheEvaluationFlagsIt() throws Exception {
        // Dose 1.9 is in the fake's cliff band: physics-lite is unsure there (error estimate 0.12), so its
        // calibrated interval for cost_vs_fidelity straddles the cliffwatch profile's CRITICAL minimum 0.24.
        // The truth breaks it. defocus_nm (which the fake ignores) keeps the first stage from answering.
        JobParameters p = withProfile(job("job_pl00000f", 0.33, 1.9, Map.of("defocus_nm", 0.0)), "cliffwatch");
        TradeoffSignals truth = FakePhysics.signals(p);
        assertThat(truth.costVsFidelity()).as("precondition: the truth breaks the limit").isLessThan(0.24);
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        JsonNode report = report(p.jobId());
        assertThat(report.at("/prediction/answered_by").asString()).as("precondition").isEqualTo("physics_lite");
        assertThat(report.at("/prediction/uncertainty/recommend_physics_simulation").asBoolean()).as("precondition").isTrue();
        JsonNode cost = report.at("/prediction/predictions/cost_vs_fidelity");
        assertThat(cost.get("score").asDouble()).as("precondition: a predicted violation").isLessThan(0.24);
        assertThat(cost.get("ci_high").asDouble()).as("precondition: the interval straddles the limit").isGreaterThanOrEqualTo(0.24);
        assertThat(report.at("/preflight/blocked").asBoolean()).isFalse();
        assertThat(report.at("/preflight/unconfirmed_violations").findValuesAsString("constraint")).containsExactly("cost_min");
        assertThat(job.get("history").findValuesAsString("reason")).anyMatch(r -> r != null && r.contains("not blocked"));
        // Actual cost 0.228 breaks the CRITICAL limit: flagged for an engineer, whatever the prediction did.
        Expected e = assertEvaluatedAsPredicted(job, report, truth);
        assertThat(e.broken()).isTrue();
        assertThat(job.get("state").asString()).isEqualTo("ANOMALY_FLAGGED");
        assertThat(report.at("/evaluation/reasons").toString()).contains("limit broken: actual cost_vs_fidelity").contains("breaks cost_min");
    }

    @Test
    void aRunningJobWithoutAResultPastTheRunTimeoutIsRetriedThenFailed() throws Exception {
        // The held job never answers until released. Each watchdog round runs as at a moment past the
        // 10-minute run timeout: the attempt counts as failed, the job is retried (2 retries), then FAILED.
        JobParameters p = job("job_pl00000j", 0.4, 25, Map.of("hold", "watchdog"));
        double ignoredBefore = metric(scrape(), "lto_jobs_results_ignored_total");
        try {
            submit(p);
            for (int attempt = 1; attempt <= 3; attempt++) {
                int a = attempt;
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                        "RUNNING".equals(jobOrNull(p.jobId()).get("state").asString()) && dispatchedAttempt(p.jobId()) == a);
                // Not yet overdue: a round now leaves the running attempt alone.
                dispatcher.watchdog(Instant.now());
                assertThat(jobOrNull(p.jobId()).get("state").asString()).isEqualTo("RUNNING");
                dispatcher.watchdog(Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));
                assertThat(jobOrNull(p.jobId()).get("state").asString()).isEqualTo(attempt < 3 ? "QUEUED" : "FAILED");
            }
        } finally {
            BenchSimulator.release("watchdog");
        }
        JsonNode job = jobOrNull(p.jobId());
        List<String> reasons = job.get("history").findValuesAsString("reason");
        assertThat(reasons.stream().filter(r -> r.contains("no result within 600 s"))).containsExactly(
                "attempt 1 failed: no result within 600 s; retry 1 of 2 after 1 s",
                "attempt 2 failed: no result within 600 s; retry 2 of 2 after 1 s",
                "attempt 3 failed: no result within 600 s; no retries left (2 configured)");
        assertThat(job.get("history").findValuesAsString("to").stream().filter("RUNNING"::equals).count()).isEqualTo(3);
        // Released, the three abandoned attempts answer late: each answer is ignored and counted; the job stays FAILED.
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(scrape(), "lto_jobs_results_ignored_total") >= ignoredBefore + 3);
        JsonNode after = jobOrNull(p.jobId());
        assertThat(after.get("state").asString()).isEqualTo("FAILED");
        assertThat(after.get("history").size()).isEqualTo(job.get("history").size());
        assertThat(count("SELECT count(*) FROM simulation_results WHERE job_id = ?", p.jobId())).isZero();
        assertThat(report(p.jobId()).at("/execution/last_error").asString()).isEqualTo("no result within 600 s");
    }

    @Test
    void aJobsPicturesAreServedAsPngAndAJobWithoutPicturesGets404() throws Exception {
        JobParameters ran = job("job_pl00000k", 0.4, 30, Map.of());
        JobParameters rejected = new JobParameters("job_pl00000l", 0.4, null, 25.0, null, null, 9.9, null, null, null, null, null,
                null, null);
        submit(ran);
        submit(rejected);
        awaitEnd(ran.jobId());
        assertThat(awaitEnd(rejected.jobId()).get("state").asString()).isEqualTo("REJECTED");

        JsonNode links = report(ran.jobId()).get("links");
        List<String> names = List.of("aerial.png", "resist.png", "bossung.png");
        Map<String, byte[]> drawn = new java.util.HashMap<>();
        for (String name : names) {
            String link = links.get(name.replace('.', '_')).asString();
            assertThat(link).isEqualTo("/api/v1/jobs/" + ran.jobId() + "/artifacts/" + name);
            HttpResponse<byte[]> png = getBytes(link);
            assertThat(png.statusCode()).as(name).isEqualTo(200);
            assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(Arrays.copyOf(png.body(), 8)).as(name + ": the PNG signature")
                    .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png.body()))).as(name).isNotNull();
            drawn.put(name, png.body());
        }
        // The simulator's pictures, unchanged, and stored on disk under the data directory.
        assertThat(drawn.get("aerial.png")).isEqualTo(bench.artifacts(ran.jobId()).orElseThrow().aerialPng());
        assertThat(drawn.get("resist.png")).isEqualTo(bench.artifacts(ran.jobId()).orElseThrow().resistPng());
        for (String name : names) {
            assertThat(Files.readAllBytes(Path.of(dataDir, "pictures", ran.jobId(), name))).as(name).isEqualTo(drawn.get(name));
        }
        // Memory gone (as after a restart): the report still links them and the files are served.
        bench.forget(ran.jobId());
        assertThat(bench.artifacts(ran.jobId())).isEmpty();
        JsonNode linksAfter = report(ran.jobId()).get("links");
        for (String name : names) {
            HttpResponse<byte[]> png = getBytes(linksAfter.get(name.replace('.', '_')).asString());
            assertThat(png.statusCode()).as(name + " after the simulator forgot it").isEqualTo(200);
            assertThat(png.body()).isEqualTo(drawn.get(name));
        }

        // A job that never ran, and a job nobody knows: 404 problems, no picture links.
        assertThat(report(rejected.jobId()).get("links").has("aerial_png")).isFalse();
        for (String id : List.of(rejected.jobId(), "job_nothere")) {
            for (String name : names) {
                HttpResponse<byte[]> missing = getBytes("/api/v1/jobs/" + id + "/artifacts/" + name);
                assertThat(missing.statusCode()).as(id + " " + name).isEqualTo(404);
                assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
                        ct -> assertThat(ct).startsWith("application/problem+json"));
            }
        }
    }

    @Test
    void aFailingSimulationIsRetriedThenSucceeds() throws Exception {
        JobParameters p = job("job_pl000003", 0.4, 25, Map.of("fail_times", 2));
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertEvaluatedAsPredicted(job, report(p.jobId()), FakePhysics.signals(p));
        List<String> states = job.get("history").findValuesAsString("to");
        assertThat(states.stream().filter("RUNNING"::equals).count()).isEqualTo(3);
        assertThat(job.get("history").findValuesAsString("reason").stream().filter(r -> r.contains("injected simulator failure")))
                .hasSize(2).allMatch(r -> r.contains("retry"));
    }

    @Test
    void aSimulationFailingBeyondItsRetriesFails() throws Exception {
        JobParameters p = job("job_pl000004", 0.4, 25, Map.of("fail_times", 9));
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isEqualTo("FAILED");
        assertThat(job.get("history").findValuesAsString("to").stream().filter("RUNNING"::equals).count()).isEqualTo(3);
        assertThat(job.get("history").get(job.get("history").size() - 1).get("reason").asString())
                .contains("attempt 3 failed").contains("no retries left");
    }

    @Test
    void aQueuedJobCanBeCancelledARunningOneCannot() throws Exception {
        // Two held jobs take both CPU slots until the test releases them; the third waits in QUEUED.
        JobParameters slow1 = job("job_pl000005", 0.4, 25, Map.of("hold", "cancel-slot-1"));
        JobParameters slow2 = job("job_pl000006", 0.4, 26, Map.of("hold", "cancel-slot-2"));
        JobParameters waiting = job("job_pl000007", 0.4, 27, Map.of());
        try {
            submit(slow1);
            submit(slow2);
            awaitState(slow1.jobId(), "RUNNING");
            awaitState(slow2.jobId(), "RUNNING");
            submit(waiting);
            awaitState(waiting.jobId(), "QUEUED");

            HttpResponse<String> cancelled = http.delete("/api/v1/jobs/" + waiting.jobId() + "?requested_by=alice");
            assertThat(cancelled.statusCode()).isEqualTo(200);
            assertThat(json.readTree(cancelled.body()).get("state").asString()).isEqualTo("CANCELLED");

            HttpResponse<String> refused = http.delete("/api/v1/jobs/" + slow1.jobId());
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(json.readTree(refused.body()).get("state").asString()).isEqualTo("RUNNING");
            assertThat(http.delete("/api/v1/jobs/job_nothere").statusCode()).isEqualTo(404);
        } finally {
            BenchSimulator.release("cancel-slot-1");
            BenchSimulator.release("cancel-slot-2");
        }
        assertEvaluatedAsPredicted(awaitEnd(slow1.jobId()), report(slow1.jobId()), FakePhysics.signals(slow1));
        assertEvaluatedAsPredicted(awaitEnd(slow2.jobId()), report(slow2.jobId()), FakePhysics.signals(slow2));
        JsonNode cancelledJob = json.readTree(http.get("/api/v1/jobs/" + waiting.jobId()).body());
        assertThat(cancelledJob.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(cancelledJob.get("history").findValuesAsString("to")).as("never dispatched").doesNotContain("RUNNING");
    }

    @Test
    void anAnomalyGoesToEngineerReview() throws Exception {
        // Healthy parameters, but the simulator reports a yield risk of 1: outside any sane interval.
        JobParameters p = job("job_pl000008", 0.4, 40, Map.of("yield_override", 1.0));
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isEqualTo("ANOMALY_FLAGGED");
        assertThat(job.get("history").get(job.get("history").size() - 1).get("reason").asString()).contains("yield_risk");

        assertThat(http.post("/api/v1/jobs/" + p.jobId() + "/review", "{\"action\": \"START\", \"reviewer\": 5}").statusCode()).isEqualTo(400);
        // the reviewer recorded is the key's owner; the body's name is accepted and ignored (docs/security.md)
        TestHttp engineer = http.withKey(TestKeys.ENGINEER);
        HttpResponse<String> started = engineer.post("/api/v1/jobs/" + p.jobId() + "/review",
                "{\"action\": \"START\", \"reviewer\": \"bob\", \"note\": \"looking\"}");
        assertThat(json.readTree(started.body()).get("state").asString()).isEqualTo("ENGINEER_REVIEW");
        HttpResponse<String> cleared = engineer.post("/api/v1/jobs/" + p.jobId() + "/review",
                "{\"action\": \"CLEAR\", \"reviewer\": \"bob\", \"note\": \"resist lot issue, not the model\"}");
        JsonNode done = json.readTree(cleared.body());
        assertThat(done.get("state").asString()).isEqualTo("CLEARED");
        assertThat(done.get("history").get(done.get("history").size() - 1).get("reason").asString())
                .isEqualTo("cleared by " + TestKeys.ownerOf("engineer") + ": resist lot issue, not the model");
        assertThat(http.post("/api/v1/jobs/" + p.jobId() + "/review", "{\"action\": \"ESCALATE\", \"reviewer\": \"bob\"}").statusCode())
                .isEqualTo(409);
        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
        assertThat(report.get("reviews").findValuesAsString("action")).containsExactly("start", "clear");
    }

    @Test
    void aPhysicallyPointlessJobIsRejectedWithTheReason() throws Exception {
        JobParameters p = new JobParameters("job_pl000009", 0.4, null, 25.0, null, null, 9.9, null, null, null, null, null, null, null);
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isEqualTo("REJECTED");
        assertThat(job.get("history").get(job.get("history").size() - 1).get("reason").asString()).contains("too coarse");
    }

    @Test
    void aResultIngestedForAnUnknownJobIsStoredAndEvaluated() throws Exception {
        JobParameters p = job("job_pl00000a", 0.45, 33, Map.of());
        SimulationResult r = new FakePhysics().runJob(p);
        SimulationResult external = new SimulationResult(r.jobId(), p, r.outputs(), r.tradeoffSignals(), r.computeStats(),
                r.timestamp(), "prolith-2024.1", "prolith");
        var finished = new SimulationFinished(p.jobId(), null, "ingest", "ingest", external, null, Instant.now());
        publisher.publish("lto.sim.results", EventEnvelope.of(EventTypes.SIMULATION_FINISHED, p.jobId(), "test", finished));
        JsonNode job = awaitEnd(p.jobId());
        assertEvaluatedAsPredicted(job, report(p.jobId()), FakePhysics.signals(p));
        assertThat(job.get("adapter_type").asString()).isEqualTo("prolith");
        assertThat(job.get("history").findValuesAsString("reason")).anyMatch(reason -> reason != null && reason.contains("gate not applied"));
        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
        assertThat(report.at("/execution/source").asString()).isEqualTo("ingest");
        assertThat(report.at("/result/simulator_version").asString()).isEqualTo("prolith-2024.1");
        assertThat(report.at("/evaluation/signals").size()).isEqualTo(6);

        // Measured yield, ingested for this job, joins its report.
        publisher.publish("lto.ingest.yield", EventEnvelope.of(EventTypes.YIELD_MEASURED, p.jobId(), "test",
                new dev.lto.contracts.events.WaferYield(p.jobId(), 0.93, "W07", "LOT42", Instant.parse("2026-11-20T08:00:00Z"))));
        JsonNode withYield = await().atMost(Duration.ofSeconds(20)).until(
                () -> json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body()), n -> n.has("wafer_yield"));
        assertThat(withYield.at("/wafer_yield/yield_fraction").asDouble()).isEqualTo(0.93);
        assertThat(withYield.at("/wafer_yield/wafer_id").asString()).isEqualTo("W07");
    }

    @Test
    void anIngestedResultWithOtherParametersIsKeptAsideNotEvaluated() throws Exception {
        JobParameters p = job("job_pl00000g", 0.4, 30, Map.of());
        submit(p);
        JsonNode done = awaitEnd(p.jobId());
        JobParameters other = job("job_pl00000g", 0.5, 60, Map.of());
        SimulationResult r = new FakePhysics().runJob(other);
        publisher.publish("lto.sim.results", EventEnvelope.of(EventTypes.SIMULATION_FINISHED, p.jobId(), "test",
                new SimulationFinished(p.jobId(), null, "ingest", "ingest", r, null, Instant.now())));
        JsonNode job = await().atMost(Duration.ofSeconds(20)).until(() -> jobOrNull(p.jobId()),
                n -> n.has("conflicting_submissions"));
        assertThat(job.get("state").asString()).isEqualTo(done.get("state").asString());
        assertThat(job.get("history").size()).isEqualTo(done.get("history").size());
        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
        assertThat(report.at("/result/parameters/na").asDouble()).isEqualTo(0.4);
    }

    @Test
    void higherPriorityIsDispatchedFirst() throws Exception {
        // Hold both slots, queue a LOW then a CRITICAL job (held too once it runs), then free exactly
        // one slot: it must go to the CRITICAL job, while LOW keeps waiting for a slot.
        JobParameters low = withPriority(job("job_pl00000d", 0.4, 27, Map.of()), JobPriority.LOW);
        JobParameters critical = withPriority(job("job_pl00000e", 0.4, 28, Map.of("hold", "priority-critical")), JobPriority.CRITICAL);
        try {
            submit(job("job_pl00000b", 0.4, 25, Map.of("hold", "priority-slot-1")));
            submit(job("job_pl00000c", 0.4, 26, Map.of("hold", "priority-slot-2")));
            awaitState("job_pl00000b", "RUNNING");
            awaitState("job_pl00000c", "RUNNING");
            submit(low);
            awaitState(low.jobId(), "QUEUED");
            submit(critical);
            awaitState(critical.jobId(), "QUEUED");

            BenchSimulator.release("priority-slot-1");
            awaitState(critical.jobId(), "RUNNING");
            // Both slots are taken again (CRITICAL and the held second job): LOW cannot have started.
            assertThat(jobOrNull(low.jobId()).get("state").asString()).isEqualTo("QUEUED");
        } finally {
            BenchSimulator.release("priority-slot-1");
            BenchSimulator.release("priority-critical");
            BenchSimulator.release("priority-slot-2");
        }
        awaitEnd(critical.jobId());
        awaitEnd(low.jobId());
        awaitEnd("job_pl00000c");
        assertThat(runningAt(critical.jobId())).isBefore(runningAt(low.jobId()));
    }

    @Test
    void monitoringServesTheSnapshotAsGaugesAndTheLifecycleAsCounters() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> !Double.isNaN(metric(scrape(), "lto_redis_queue_depth")));
        Map<String, Double> before = scrape();
        // Two held jobs fill both CPU slots and a third waits in QUEUED; a dead letter appears on a bound stream.
        JobParameters h1 = job("job_pl00000m", 0.4, 25, Map.of("hold", "monitor-slot-1"));
        JobParameters h2 = job("job_pl00000n", 0.4, 26, Map.of("hold", "monitor-slot-2"));
        JobParameters waiting = job("job_pl00000o", 0.4, 27, Map.of());
        try {
            submit(h1);
            submit(h2);
            awaitState(h1.jobId(), "RUNNING");
            awaitState(h2.jobId(), "RUNNING");
            submit(waiting);
            awaitState(waiting.jobId(), "QUEUED");
            TestRedis.shared().command("XADD", "lto.ingest.metrics.dlq", "*", "payload", "monitoring test");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, Double> m = scrape();
                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(metric(m, "lto_pipeline_busy_slots", "device_class=\"cpu\"")).as("busy cpu").isEqualTo(2);
                soft.assertThat(metric(m, "lto_pipeline_busy_slots", "device_class=\"gpu\"")).as("busy gpu").isEqualTo(0);
                soft.assertThat(metric(m, "lto_worker_busy_slots", "device_class=\"cpu\"")).as("worker busy cpu").isEqualTo(2);
                soft.assertThat(metric(m, "lto_redis_queue_depth")).as("queue depth").isEqualTo(1);
                soft.assertThat(metric(m, "lto_pipeline_dead_letters")).as("dead letters")
                        .isEqualTo(metric(before, "lto_pipeline_dead_letters") + 1);
                JsonNode snapshot = latestMonitoringSnapshot();
                soft.assertThat(snapshot.at("/busy_slots/cpu").asInt()).as("event busy cpu").isEqualTo(2);
                soft.assertThat(snapshot.get("queued_jobs").asLong()).as("event queued").isEqualTo(1);
                soft.assertThat(snapshot.get("queue_depth").asLong()).as("event queue depth").isEqualTo(1);
                soft.assertAll();
            });
        } finally {
            BenchSimulator.release("monitor-slot-1");
            BenchSimulator.release("monitor-slot-2");
        }
        // One job of each other kind the counters tell apart: flagged (the simulator reports yield risk 1) and blocked.
        JobParameters flagged = job("job_pl00000q", 0.4, 40, Map.of("yield_override", 1.0));
        JobParameters blocked = withProfile(job("job_pl00000r", 0.33, 1.0, Map.of()), "gatekeeper");
        submit(flagged);
        submit(blocked);
        List<JobParameters> mine = List.of(h1, h2, waiting, flagged, blocked);
        for (JobParameters p : mine) {
            awaitEnd(p.jobId());
        }
        assertThat(awaitEnd(flagged.jobId()).get("state").asString()).isEqualTo("ANOMALY_FLAGGED");
        assertThat(awaitEnd(blocked.jobId()).get("state").asString()).isEqualTo("BLOCKED");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Double> m = scrape();
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(metric(m, "lto_pipeline_busy_slots", "device_class=\"cpu\"")).as("busy cpu").isEqualTo(0);
            soft.assertThat(metric(m, "lto_redis_queue_depth")).as("queue depth").isEqualTo(0);
            // Counters and timers against the store's own record of every transition of this process.
            soft.assertThat(metric(m, "lto_jobs_completed_total")).as("completed").isEqualTo(transitionsTo("COMPLETED"));
            soft.assertThat(metric(m, "lto_jobs_blocked_total")).as("blocked").isEqualTo(transitionsTo("BLOCKED"));
            long ends = 0;
            for (String end : List.of("COMPLETED", "ANOMALY_FLAGGED", "BLOCKED", "REJECTED", "FAILED", "CANCELLED")) {
                ends += transitionsTo(end);
            }
            soft.assertThat(orZero(metric(m, "lto_job_duration_seconds_count"))).as("durations").isEqualTo(ends);
            long ended = jdbc.sql("""
                            SELECT count(*) FROM job_state_history WHERE changed_at > ? AND to_state IN
                              ('COMPLETED', 'ANOMALY_FLAGGED', 'BLOCKED', 'REJECTED', 'FAILED', 'CANCELLED')""")
                    .param(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(5)).query(Long.class).single();
            soft.assertThat(metric(m, "lto_pipeline_jobs_per_minute")).as("jobs per minute").isEqualTo(ended / 5.0);
            // Live accuracy: the stored evaluations' actual signals against their preflight scores (ML.md: |error| <= 0.05).
            soft.assertThat(metric(m, "lto_model_accuracy_score")).as("live accuracy").isCloseTo(liveAccuracy(), within(1e-9));
            soft.assertAll();
        });
        Map<String, Double> after = scrape();
        // Four simulations ran on the CPU pool (the blocked job never ran); the durations of the five jobs were recorded.
        assertThat(metric(after, "lto_simulation_duration_seconds_count")
                - metric(before, "lto_simulation_duration_seconds_count")).isEqualTo(4);
        double recorded = orZero(metric(after, "lto_job_duration_seconds_count"))
                - orZero(metric(before, "lto_job_duration_seconds_count"));
        double seconds = orZero(metric(after, "lto_job_duration_seconds_sum")) - orZero(metric(before, "lto_job_duration_seconds_sum"));
        assertThat(recorded).isEqualTo(mine.size());
        assertThat(seconds).isPositive();
    }

    @Test
    void performanceServesTheLiveWindowAndDaysBesideTheOfflineMetrics() throws Exception {
        JobParameters p = job("job_pl00000t", 0.35, 31, Map.of());
        submit(p);
        awaitEnd(p.jobId());
        JsonNode perf = json.readTree(http.get("/api/v1/models/performance").body());
        String version = perf.path("model_version").asString();
        // The fields the API had before stay as they were.
        assertThat(perf.path("metrics").path("jobs").asInt()).isPositive();
        assertThat(perf.has("gates_passed")).isTrue();
        JsonNode live = perf.path("live");
        assertThat(live.path("window_size").asInt()).isEqualTo(3);
        // The serving version's last 3 evaluations, recomputed here from the stored JSON (ML.md: |error| <= 0.05).
        List<String> last = jdbc.sql("""
                        SELECT evaluation FROM job_evaluations WHERE json_extract_string(evaluation, '$.model_version') = ?
                        ORDER BY evaluated_at DESC, job_id LIMIT 3""").param(version).query(String.class).list();
        assertThat(live.path("jobs").asInt()).isEqualTo(last.size());
        int pairs = 0;
        int accurate = 0;
        int inside = 0;
        for (String e : last) {
            for (JsonNode c : json.readTree(e).get("signals")) {
                pairs++;
                double a = c.get("actual").asDouble();
                accurate += Math.abs(a - c.get("predicted").asDouble()) <= 0.05 ? 1 : 0;
                inside += a >= c.get("ci_low").asDouble() - 0.5e-4 && a <= c.get("ci_high").asDouble() + 0.5e-4 ? 1 : 0;
            }
        }
        assertThat(live.path("accuracy").asDouble()).isCloseTo((double) accurate / pairs, within(1e-9));
        assertThat(live.path("coverage").asDouble()).isCloseTo((double) inside / pairs, within(1e-9));
        // Today's stored row counts every job of this version evaluated today (UTC).
        long today = jdbc.sql("""
                        SELECT count(*) FROM job_evaluations WHERE json_extract_string(evaluation, '$.model_version') = ?
                          AND CAST(evaluated_at AS DATE) = ?""")
                .params(version, java.time.LocalDate.now(java.time.ZoneOffset.UTC)).query(Long.class).single();
        JsonNode days = live.path("daily");
        JsonNode newest = days.get(days.size() - 1);
        assertThat(newest.path("day").asString()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        assertThat(newest.path("jobs").asLong()).isEqualTo(today);
        assertThat(newest.path("per_signal").size()).isEqualTo(6);
        // Per signal: live and offline side by side, offline being the stored test metrics.
        assertThat(perf.path("signals").size()).isEqualTo(6);
        for (String s : dev.lto.contracts.TradeoffSignals.NAMES) {
            assertThat(perf.at("/signals/" + s + "/offline/accuracy").asDouble())
                    .isEqualTo(perf.at("/metrics/per_signal/" + s + "/accuracy").asDouble());
            assertThat(perf.at("/signals/" + s + "/live/accuracy").asDouble())
                    .isEqualTo(live.at("/per_signal/" + s + "/accuracy").asDouble());
        }
    }

    /** Share of (job, signal) pairs within 0.05 over the last 3 stored evaluations (lto.models.live.window), read straight from the store. */
    private double liveAccuracy() {
        int pairs = 0;
        int accurate = 0;
        for (String e : jdbc.sql("SELECT evaluation FROM job_evaluations ORDER BY evaluated_at DESC, job_id LIMIT 3").query(String.class).list()) {
            for (JsonNode c : json.readTree(e).get("signals")) {
                pairs++;
                accurate += Math.abs(c.get("actual").asDouble() - c.get("predicted").asDouble()) <= 0.05 ? 1 : 0;
            }
        }
        return (double) accurate / pairs;
    }

    private long transitionsTo(String state) {
        return jdbc.sql("SELECT count(*) FROM job_state_history WHERE to_state = ?").param(state).query(Long.class).single();
    }

    /** The snapshot of the most recent {@code pipeline.monitored} entry on lto.events (the envelope's payload). */
    private JsonNode latestMonitoringSnapshot() {
        for (Object entry : (List<?>) TestRedis.shared().command("XREVRANGE", "lto.events", "+", "-", "COUNT", "500")) {
            List<?> fields = (List<?>) ((List<?>) entry).get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("payload".equals(fields.get(i))) {
                    JsonNode envelope = json.readTree((String) fields.get(i + 1));
                    if ("pipeline.monitored".equals(envelope.path("type").asString())) {
                        return envelope.get("payload");
                    }
                }
            }
        }
        throw new AssertionError("no pipeline.monitored event among the latest 500 on lto.events");
    }

    /** {@code /actuator/prometheus} as name{labels} → value. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = http.get("/actuator/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return m;
    }

    /** A timer or counter not registered yet has counted nothing. */
    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** The sum over the series of {@code name} whose labels contain every one of {@code labels}; NaN when there is none. */
    private static double metric(Map<String, Double> scraped, String name, String... labels) {
        double sum = Double.NaN;
        for (var e : scraped.entrySet()) {
            String key = e.getKey();
            if (!(key.equals(name) || key.startsWith(name + "{"))) {
                continue;
            }
            if (java.util.Arrays.stream(labels).allMatch(key::contains)) {
                sum = Double.isNaN(sum) ? e.getValue() : sum + e.getValue();
            }
        }
        return sum;
    }

    private Instant runningAt(String jobId) {
        return jdbc.sql("SELECT min(changed_at) FROM job_state_history WHERE job_id = ? AND to_state = 'RUNNING'").param(jobId)
                .query((rs, i) -> rs.getObject(1, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC)).single();
    }

    private static JobParameters withPriority(JobParameters p, JobPriority priority) {
        return new JobParameters(p.jobId(), p.na(), p.wavelengthNm(), p.doseMjCm2(), p.sigma(), p.resistThicknessNm(),
                p.gridSizeNm(), p.patternComplexity(), p.useAiSurrogate(), p.jobClass(), priority, p.constraintProfile(),
                p.submittedBy(), p.metadata());
    }

    private static JobParameters withProfile(JobParameters p, String profile) {
        return new JobParameters(p.jobId(), p.na(), p.wavelengthNm(), p.doseMjCm2(), p.sigma(), p.resistThicknessNm(),
                p.gridSizeNm(), p.patternComplexity(), p.useAiSurrogate(), p.jobClass(), p.priority(), profile,
                p.submittedBy(), p.metadata());
    }

    private static JobParameters job(String id, double na, double dose, Map<String, Object> metadata) {
        return new JobParameters(id, na, 193.0, dose, 0.7, 60.0, 2.0, PatternComplexity.MODERATE, true, 3, null, null,
                "pipeline-test", metadata);
    }

    private void submit(JobParameters p) {
        publisher.publish("lto.jobs.submitted", EventEnvelope.of(EventTypes.JOB_SUBMITTED, p.jobId(), "test",
                new JobSubmitted(p, Instant.now(), null)));
    }

    private long count(String sql, String jobId) {
        return jdbc.sql(sql).param(jobId).query(Long.class).single();
    }

    private JsonNode awaitEnd(String jobId) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> jobOrNull(jobId), n -> n != null && (n.get("terminal").asBoolean()
                        || n.get("state").asString().equals("ANOMALY_FLAGGED")));
    }

    private JsonNode awaitState(String jobId, String state) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> jobOrNull(jobId), n -> n != null && n.get("state").asString().equals(state));
    }

    private JsonNode jobOrNull(String jobId) throws Exception {
        HttpResponse<String> r = http.get("/api/v1/jobs/" + jobId);
        return r.statusCode() == 200 ? json.readTree(r.body()) : null;
    }



    private JsonNode report(String jobId) throws Exception {
        return json.readTree(http.get("/api/v1/jobs/" + jobId + "/report").body());
    }

    private HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("X-API-Key", TestKeys.ADMIN).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private int dispatchedAttempt(String jobId) {
        return jdbc.sql("SELECT attempt FROM job_dispatch WHERE job_id = ?").param(jobId).query(Integer.class).optional().orElse(0);
    }

    /**
     * What the evaluation must say (docs/pipeline.md, Evaluation), computed here from the stored prediction
     * and the actual signals: the prediction is missed when some signal lies farther from its score than κ
     * (the prediction's job_interval_factor) × its 95% half-width (the larger side), beyond the rounding of the
     * stored score; a limit is broken when
     * the actual signals break a CRITICAL limit of the job's profile.
     */
    record Expected(boolean missed, boolean broken, double jobScore) {
        String state() {
            return missed || broken ? "ANOMALY_FLAGGED" : "COMPLETED";
        }
    }

    /** The CRITICAL limits of the profiles these tests use (lto-models.yml and the properties above). */
    private static boolean breaksCriticalLimit(String profile, TradeoffSignals a) {
        return switch (profile) {
            case "default" -> a.yieldRisk() > 0.5 || a.overallHealth() < 0.4;
            case "gatekeeper" -> a.yieldRisk() > 0.5;
            case "cliffwatch" -> a.costVsFidelity() < 0.24;
            default -> throw new IllegalArgumentException(profile);
        };
    }

    private static Expected expected(JsonNode prediction, String profile, TradeoffSignals actual) {
        JsonNode k = prediction.get("job_interval_factor");
        double kappa = k == null || k.isNull() ? 1 : k.asDouble();
        double[] a = actual.toArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            JsonNode e = prediction.get("predictions").get(TradeoffSignals.NAMES.get(i));
            double score = e.get("score").asDouble();
            double h = Math.max(score - e.get("ci_low").asDouble(), e.get("ci_high").asDouble() - score);
            // Scores are stored to 4 decimals: a difference within half a unit of the last place is no miss.
            double err = Math.abs(a[i] - score);
            double r = err <= 0.5e-4 + 1e-12 ? 0 : h > 0 ? err / h : Double.POSITIVE_INFINITY;
            worst = Math.max(worst, r);
        }
        return new Expected(worst > kappa, breaksCriticalLimit(profile, actual), worst);
    }

    /** The job ran on the fake's truth and ended exactly where its prediction and that truth put it. */
    private Expected assertEvaluatedAsPredicted(JsonNode job, JsonNode report, TradeoffSignals actual) {
        String profile = job.at("/parameters/constraint_profile").asString();
        Expected e = expected(report.get("prediction"), profile, actual);
        double[] a = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(report.at("/result/tradeoff_signals/" + TradeoffSignals.NAMES.get(i)).asDouble()).isEqualTo(a[i]);
        }
        JsonNode ev = report.get("evaluation");
        assertThat(job.get("state").asString()).as("end state; evaluation %s", ev).isEqualTo(e.state());
        assertThat(ev.get("prediction_missed").asBoolean()).as("prediction_missed; evaluation %s", ev).isEqualTo(e.missed());
        assertThat(ev.get("limit_broken").asBoolean()).as("limit_broken; evaluation %s", ev).isEqualTo(e.broken());
        assertThat(ev.get("anomaly").asBoolean()).isEqualTo(e.missed() || e.broken());
        if (Double.isFinite(e.jobScore())) {
            assertThat(ev.get("job_score").asDouble()).isCloseTo(e.jobScore(), org.assertj.core.api.Assertions.within(1e-4));
        }
        return e;
    }
}
