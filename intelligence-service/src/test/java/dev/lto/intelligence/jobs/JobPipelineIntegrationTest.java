package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobPriority;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.intelligence.campaign.FakePhysics;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        "lto.preflight.candidates=120",
        // A profile that blocks on the predicted score alone, whatever the model's uncertainty.
        "lto.constraints.profiles.gatekeeper.block-on=score",
        "lto.constraints.profiles.gatekeeper.limits[0].name=yield_risk_max",
        "lto.constraints.profiles.gatekeeper.limits[0].signal=yield_risk",
        "lto.constraints.profiles.gatekeeper.limits[0].max=0.5",
        "lto.constraints.profiles.gatekeeper.limits[0].severity=CRITICAL"})
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

    @Autowired
    EventPublisher publisher;

    @Autowired
    JdbcClient jdbc;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeAll
    void modelServes() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json.readTree(http.get("/api/v1/models/current").body()).path("status").asString().equals("READY"));
    }

    @Test
    void aSoundJobRunsAndIsEvaluatedAgainstItsPrediction() throws Exception {
        JobParameters p = job("job_pl000001", 0.33, 30, Map.of());
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isIn("COMPLETED", "ANOMALY_FLAGGED");
        assertThat(job.get("history").findValuesAsString("to")).containsSubsequence(
                "SUBMITTED", "VALIDATING", "PREFLIGHT", "QUEUED", "RUNNING", "EVALUATING");

        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
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
    }

    @Test
    void anUncertainPredictedViolationLetsTheJobRunAndTheEvaluationFlagsIt() throws Exception {
        // The same job under the default profile (block on confident predictions only). The small
        // test model recommends physics everywhere, so its predicted violation must not block.
        JobParameters p = job("job_pl00000f", 0.33, 1.0, Map.of());
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        JsonNode report = json.readTree(http.get("/api/v1/jobs/" + p.jobId() + "/report").body());
        assertThat(report.at("/prediction/uncertainty/recommend_physics_simulation").asBoolean()).as("precondition").isTrue();
        JsonNode yield = report.at("/prediction/predictions/yield_risk");
        assertThat(yield.get("ci_low").asDouble()).as("precondition: the interval straddles the limit").isLessThanOrEqualTo(0.5);
        assertThat(report.at("/preflight/blocked").asBoolean()).isFalse();
        assertThat(report.at("/preflight/unconfirmed_violations").findValuesAsString("constraint")).contains("yield_risk_max");
        assertThat(job.get("history").findValuesAsString("reason")).anyMatch(r -> r != null && r.contains("not blocked"));
        // Actual yield risk ≈ 0.91 breaks the CRITICAL limit: flagged for an engineer.
        assertThat(job.get("state").asString()).isEqualTo("ANOMALY_FLAGGED");
        assertThat(report.at("/evaluation/reasons").toString()).contains("breaks yield_risk_max");
    }

    @Test
    void aFailingSimulationIsRetriedThenSucceeds() throws Exception {
        JobParameters p = job("job_pl000003", 0.4, 25, Map.of("fail_times", 2));
        submit(p);
        JsonNode job = awaitEnd(p.jobId());
        assertThat(job.get("state").asString()).isIn("COMPLETED", "ANOMALY_FLAGGED");
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
        assertThat(awaitEnd(slow1.jobId()).get("state").asString()).isIn("COMPLETED", "ANOMALY_FLAGGED");
        assertThat(awaitEnd(slow2.jobId()).get("state").asString()).isIn("COMPLETED", "ANOMALY_FLAGGED");
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

        assertThat(http.post("/api/v1/jobs/" + p.jobId() + "/review", "{\"action\": \"START\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> started = http.post("/api/v1/jobs/" + p.jobId() + "/review",
                "{\"action\": \"START\", \"reviewer\": \"bob\", \"note\": \"looking\"}");
        assertThat(json.readTree(started.body()).get("state").asString()).isEqualTo("ENGINEER_REVIEW");
        HttpResponse<String> cleared = http.post("/api/v1/jobs/" + p.jobId() + "/review",
                "{\"action\": \"CLEAR\", \"reviewer\": \"bob\", \"note\": \"resist lot issue, not the model\"}");
        JsonNode done = json.readTree(cleared.body());
        assertThat(done.get("state").asString()).isEqualTo("CLEARED");
        assertThat(done.get("history").get(done.get("history").size() - 1).get("reason").asString())
                .isEqualTo("cleared by bob: resist lot issue, not the model");
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
        assertThat(job.get("state").asString()).isIn("COMPLETED", "ANOMALY_FLAGGED");
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
    void monitoringPublishesPipelineSnapshots() {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestRedis.shared().command("XRANGE", "lto.events", "-", "+").toString()
                .contains("pipeline.monitored"));
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
                new JobSubmitted(p, Instant.now())));
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



}
