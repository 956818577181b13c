package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.platform.streams.EnvelopeCodec;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Submissions from a real Redis stream into DuckDB, through the lifecycle, out to lto.events. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.models.bootstrap.enabled=false",
        "spring.cloud.stream.redis.default.consumer.min-idle-time=1s",
        "spring.cloud.stream.redis.default.consumer.reclaim-interval=500ms",
        "spring.cloud.stream.bindings.jobSubmissions-in-0.consumer.max-attempts=1",
        "spring.cloud.stream.redis.bindings.jobSubmissions-in-0.consumer.max-deliveries=2"})
class JobIntakeIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-intelligence-test")::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    StreamBridge bridge;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EnvelopeCodec codec;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void submittedJobIsStoredAndDrivenToPreflightWithHistoryAndEvents() throws Exception {
        JobParameters p = JobParameters.of(0.33, 30).withJobId("job_it000001");
        publisher.publish("lto.jobs.submitted", submission(p));

        JsonNode job = awaitJob(p.jobId(), "PREFLIGHT");
        assertThat(job.get("terminal").asBoolean()).isFalse();
        assertThat(job.at("/parameters/na").asDouble()).isEqualTo(0.33);
        assertThat(job.get("history").findValuesAsString("to")).containsExactly("SUBMITTED", "VALIDATING", "PREFLIGHT");
        // No model in this test (bootstrap off): the history says why the job waits in PREFLIGHT.
        assertThat(job.get("history").get(2).get("reason").asString()).startsWith("waiting for a tradeoff model (NONE");

        await().atMost(Duration.ofSeconds(10)).until(() -> eventIdsOn("lto.events", p.jobId()).size() == 3);
        assertThat(eventIdsOn("lto.events", p.jobId())).containsExactly(p.jobId() + "/1", p.jobId() + "/2", p.jobId() + "/3");
    }

    @Test
    void aRedeliveredSubmissionChangesNothing() throws Exception {
        JobParameters p = JobParameters.of(0.4, 20).withJobId("job_it000002");
        EventEnvelope<JobSubmitted> envelope = submission(p);
        publisher.publish("lto.jobs.submitted", envelope);
        awaitJob(p.jobId(), "PREFLIGHT");
        publisher.publish("lto.jobs.submitted", envelope);
        publisher.publish("lto.jobs.submitted", submission(p)); // same job id, new event id
        JobParameters marker = JobParameters.of(0.4, 20).withJobId("job_it000003");
        publisher.publish("lto.jobs.submitted", submission(marker));
        awaitJob(marker.jobId(), "PREFLIGHT"); // processed in order, so the duplicates are done too

        assertThat(jdbc.sql("SELECT count(*) FROM simulation_jobs WHERE job_id = ?").param(p.jobId()).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM job_state_history WHERE job_id = ?").param(p.jobId()).query(Long.class).single()).isEqualTo(3);
        assertThat(eventIdsOn("lto.events", p.jobId())).hasSize(3);
    }

    /**
     * One read of the stream is one batch: a new job, its redelivery, the same id with other parameters and
     * a second job, written in one atomic step so the intake reads them together. Stored once each, the
     * conflict kept aside, both jobs driven on in the order they came.
     */
    @Test
    void oneBatchKeepsIdempotencyConflictsAndOrder() throws Exception {
        JobParameters a = JobParameters.of(0.33, 30).withJobId("job_it000010");
        JobParameters b = JobParameters.of(0.4, 40).withJobId("job_it000011");
        EventEnvelope<JobSubmitted> first = submission(a);
        List<String> payloads = List.of(codec.write(first), codec.write(first), codec.write(submission(JobParameters.of(0.5, 60)
                .withJobId(a.jobId()))), codec.write(submission(b))).stream().map(String::new).toList();
        TestRedis.shared().command("EVAL", "for i = 1, #ARGV do redis.call('XADD', KEYS[1], '*', 'payload', ARGV[i], "
                + "'contentType', 'application/json') end", "1", "lto.jobs.submitted", payloads.get(0), payloads.get(1), payloads.get(2),
                payloads.get(3));

        JsonNode jobA = awaitJob(a.jobId(), "PREFLIGHT");
        JsonNode jobB = awaitJob(b.jobId(), "PREFLIGHT");
        assertThat(jobA.at("/parameters/na").asDouble()).isEqualTo(0.33);
        assertThat(jobA.get("history")).hasSize(3);
        assertThat(jobA.get("conflicting_submissions").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM simulation_jobs WHERE job_id IN (?, ?)").params(a.jobId(), b.jobId())
                .query(Long.class).single()).isEqualTo(2);
        // In arrival order: a left SUBMITTED no later than b.
        assertThat(Instant.parse(jobA.get("history").get(1).get("at").asString()))
                .isBeforeOrEqualTo(Instant.parse(jobB.get("history").get(1).get("at").asString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> eventIdsOn("lto.events", b.jobId()).size() == 3);
        assertThat(eventIdsOn("lto.events", a.jobId())).containsExactly(a.jobId() + "/1", a.jobId() + "/2", a.jobId() + "/3");
    }

    @Test
    void aDifferentSubmissionReusingAKnownIdIsKeptAsideNotMerged() throws Exception {
        JobParameters first = JobParameters.of(0.33, 30).withJobId("job_it000006");
        publisher.publish("lto.jobs.submitted", submission(first));
        awaitJob(first.jobId(), "PREFLIGHT");
        JobParameters other = JobParameters.of(0.5, 60).withJobId(first.jobId());
        publisher.publish("lto.jobs.submitted", submission(other));

        JsonNode job = await().atMost(Duration.ofSeconds(20)).until(() -> json.readTree(http.get("/api/v1/jobs/" + first.jobId()).body()),
                node -> node.has("conflicting_submissions"));
        assertThat(job.get("conflicting_submissions").asInt()).isEqualTo(1);
        assertThat(job.at("/parameters/na").asDouble()).isEqualTo(0.33);
        assertThat(job.get("history")).hasSize(3);
    }

    @Test
    void parametersThatBreakTheContractAreRejectedWithTheReason() throws Exception {
        // A producer other than our edge could send anything; the record constructor does not validate.
        JobParameters bad = new JobParameters("job_it000004", 0.9, null, 300.0, null, null, null, null, null, null, null, null, null, null);
        publisher.publish("lto.jobs.submitted", submission(bad));
        JsonNode job = awaitJob(bad.jobId(), "REJECTED");
        assertThat(job.get("terminal").asBoolean()).isTrue();
        assertThat(job.get("completed_at").isNull()).isFalse();
        JsonNode last = job.get("history").get(2);
        assertThat(last.get("reason").asString()).contains("na").contains("doseMjCm2");
    }

    @Test
    void unknownJobIsA404Problem() throws Exception {
        HttpResponse<String> r = http.get("/api/v1/jobs/job_nothere");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(json.readTree(r.body()).get("detail").asString()).contains("job_nothere");
    }

    @Test
    void aPoisonMessageIsDeadLetteredAndDoesNotBlockTheStream() throws Exception {
        bridge.send("lto.jobs.submitted", MessageBuilder.withPayload("not an envelope".getBytes()).build());
        JobParameters after = JobParameters.of(0.3, 30).withJobId("job_it000005");
        publisher.publish("lto.jobs.submitted", submission(after));
        awaitJob(after.jobId(), "PREFLIGHT");
        await().atMost(Duration.ofSeconds(30)).until(() -> (Long) TestRedis.shared().command("XLEN", "lto.jobs.submitted.dlq") >= 1);
        assertThat(TestRedis.shared().command("XRANGE", "lto.jobs.submitted.dlq", "-", "+").toString()).contains("not an envelope");
    }

    @Test
    void theSimulatorAdaptersOwnSelfTestsAreServedAndCountInTheServicesHealth() throws Exception {
        // The real physics adapter images a clear tile on DJL: UP on this machine's CPU.
        HttpResponse<String> r = http.get("/api/v1/simulators/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(r.body());
        JsonNode synthetic = null;
        for (JsonNode a : body.get("adapters")) {
            if (a.get("adapter_type").asString().equals("synthetic")) {
                synthetic = a;
            }
        }
        assertThat(synthetic).as("synthetic adapter in " + body).isNotNull();
        assertThat(synthetic.get("status").asString()).isEqualTo("UP");
        assertThat(synthetic.get("device").asString()).isEqualTo("cpu");
        assertThat(synthetic.get("detail").asString()).contains("clear-field error");
        assertThat(body.get("status").asString()).isEqualTo("UP");

        // ...and the actuator's health has them as its component "simulators".
        HttpResponse<String> component = http.get("/actuator/health/simulators");
        assertThat(component.statusCode()).isEqualTo(200);
        assertThat(json.readTree(component.body()).get("status").asString()).isEqualTo("UP");
        assertThat(json.readTree(http.get("/actuator/health").body()).at("/components/simulators/status").asString()).isEqualTo("UP");
    }

    /**
     * Issue #14, "submitter: cancel own jobs": the submitting key's owner is stored with the job; a submitter
     * key cancels only its owner's jobs (403 problem otherwise, the job untouched), an engineer any job.
     * Jobs wait in PREFLIGHT here (no model), where they can still be cancelled.
     */
    @Test
    void aSubmitterCancelsOnlyItsOwnersJobsAnEngineerAny() throws Exception {
        String me = TestKeys.ownerOf("submitter");
        JobParameters own = JobParameters.of(0.33, 30).withJobId("job_it000020");
        JobParameters others = JobParameters.of(0.33, 31).withJobId("job_it000021");
        JobParameters ownerless = JobParameters.of(0.33, 32).withJobId("job_it000022");
        publisher.publish("lto.jobs.submitted", submission(own, me));
        publisher.publish("lto.jobs.submitted", submission(others, "farm-2"));
        publisher.publish("lto.jobs.submitted", submission(ownerless, null));
        for (JobParameters p : List.of(own, others, ownerless)) {
            awaitJob(p.jobId(), "PREFLIGHT");
        }
        assertThat(jdbc.sql("SELECT key_owner FROM simulation_jobs WHERE job_id = ?").param(own.jobId()).query(String.class).single())
                .isEqualTo(me);

        TestHttp submitter = http.withKey(TestKeys.SUBMITTER);
        for (JobParameters p : List.of(others, ownerless)) {
            HttpResponse<String> refused = submitter.delete("/api/v1/jobs/" + p.jobId() + "?requested_by=" + me);
            assertThat(refused.statusCode()).as(p.jobId()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(json.readTree(refused.body()).get("type").asString()).isEqualTo("https://lto.dev/problems/forbidden");
            assertThat(json.readTree(refused.body()).get("detail").asString()).contains("engineer");
            assertThat(json.readTree(http.get("/api/v1/jobs/" + p.jobId()).body()).get("state").asString()).isEqualTo("PREFLIGHT");
        }
        assertThat(submitter.delete("/api/v1/jobs/job_nothere").statusCode()).isEqualTo(404);

        HttpResponse<String> cancelled = submitter.delete("/api/v1/jobs/" + own.jobId());
        assertThat(cancelled.statusCode()).isEqualTo(200);
        JsonNode ownJob = json.readTree(cancelled.body());
        assertThat(ownJob.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(ownJob.get("history").get(ownJob.get("history").size() - 1).get("reason").asString()).isEqualTo("cancelled by " + me);

        TestHttp engineer = http.withKey(TestKeys.ENGINEER);
        for (JobParameters p : List.of(others, ownerless)) {
            HttpResponse<String> r = engineer.delete("/api/v1/jobs/" + p.jobId());
            assertThat(r.statusCode()).as(p.jobId()).isEqualTo(200);
            assertThat(json.readTree(r.body()).get("state").asString()).isEqualTo("CANCELLED");
        }
    }

    private static EventEnvelope<JobSubmitted> submission(JobParameters p) {
        return submission(p, null);
    }

    private static EventEnvelope<JobSubmitted> submission(JobParameters p, String keyOwner) {
        return EventEnvelope.of(EventTypes.JOB_SUBMITTED, p.jobId(), "test", new JobSubmitted(p, Instant.now(), keyOwner));
    }

    private JsonNode awaitJob(String id, String state) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = http.get("/api/v1/jobs/" + id);
            return r.statusCode() == 200 ? json.readTree(r.body()) : null;
        }, node -> node != null && state.equals(node.get("state").asString()));
    }


    /** Event ids on a stream for one job, in stream order. */
    private List<String> eventIdsOn(String stream, String jobId) {
        List<?> entries = (List<?>) TestRedis.shared().command("XRANGE", stream, "-", "+");
        return entries.stream().map(Object::toString).filter(e -> e.contains("\"job_id\":\"" + jobId + "\""))
                .map(e -> e.replaceAll(".*\"event_id\":\"([^\"]+)\".*", "$1")).toList();
    }
}
