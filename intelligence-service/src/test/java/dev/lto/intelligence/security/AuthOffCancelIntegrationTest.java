package dev.lto.intelligence.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cancel with the development switch off (LTO_AUTH=off): there is no caller, so no owner check; anyone
 * cancels any job, whoever's key submitted it, and {@code requested_by} is what the history records.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lto.auth.enabled=off", "lto.models.bootstrap.enabled=false"})
class AuthOffCancelIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-auth-off-test")::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void anyoneCancelsAnyJobAndRequestedByIsRecorded() throws Exception {
        TestHttp anyone = TestHttp.localhost(() -> port).withKey(null);
        JobParameters p = JobParameters.of(0.33, 30).withJobId("job_a0ff0001");
        publisher.publish("lto.jobs.submitted", EventEnvelope.of(EventTypes.JOB_SUBMITTED, p.jobId(), "test",
                new JobSubmitted(p, Instant.now(), "farm-2")));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = anyone.get("/api/v1/jobs/" + p.jobId());
            return r.statusCode() == 200 && "PREFLIGHT".equals(json.readTree(r.body()).get("state").asString());
        });

        HttpResponse<String> cancelled = anyone.delete("/api/v1/jobs/" + p.jobId() + "?requested_by=alice");
        assertThat(cancelled.statusCode()).isEqualTo(200);
        JsonNode job = json.readTree(cancelled.body());
        assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(job.get("history").get(job.get("history").size() - 1).get("reason").asString()).isEqualTo("cancelled by alice");
    }
}
