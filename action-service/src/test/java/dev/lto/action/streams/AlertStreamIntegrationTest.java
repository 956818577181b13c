package dev.lto.action.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.action.LiveStreamsContext;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code /ws/alerts} with a real WebSocket client: a job blocked by the preflight gate (its BLOCKED
 * event on the event stream, as the intelligence service publishes it) reaches the client as the
 * seed's AlertFrame within 1 s; acknowledging it through the API sends the update frames.
 */
class AlertStreamIntegrationTest extends LiveStreamsContext {

    static final Set<String> ALERT_FIELDS = Set.of("timestamp", "frame_type", "alert_id", "severity", "job_id", "message",
            "recommendation");

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Test
    void aBlockedJobsAlertReachesTheClientWithinOneSecondAndItsAckFollows() throws Exception {
        FrameClient client = FrameClient.connect(HttpClient.newHttpClient(), "ws://localhost:" + port + "/ws/alerts");
        try {
            // The first alert after start pays for loading the alert path (JDBC, DuckDB, JIT); the
            // requirement is about the alerts after it, so one goes through first, then five are timed.
            block("job_" + UUID.randomUUID().toString().substring(0, 8), client);
            FrameClient.Frame frame = null;
            for (int i = 0; i < 5; i++) {
                String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
                long publishedNanos = System.nanoTime();
                frame = block(job, client);
                long latencyMs = (frame.arrivedNanos() - publishedNanos) / 1_000_000;
                assertThat(latencyMs).as("BLOCKED event published → AlertFrame received").isLessThan(1000);
            }
            JsonNode alert = frame.json();
            assertThat(MetricStreamIntegrationTest.fieldNames(alert)).as(frame.text()).isEqualTo(ALERT_FIELDS);
            assertThat(alert.get("frame_type").asString()).isEqualTo("alert");
            assertThat(alert.get("alert_id").asString()).matches("alert_[0-9a-f]{8}");
            assertThat(alert.get("severity").asString()).isEqualTo("WARN");
            assertThat(alert.get("message").asString()).contains("yield_risk 0.42");
            assertThat(alert.get("recommendation").asString()).contains("dose_mj_cm2=32.0");
            Instant.parse(alert.get("timestamp").asString());

            String alertId = alert.get("alert_id").asString();
            var ack = TestHttp.localhost(() -> port).post("/api/v1/alerts/" + alertId + "/ack", "{\"acknowledged_by\":\"alice\"}");
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.ofType("alert_update").stream()
                    .anyMatch(f -> alertId.equals(f.json().path("alert_id").asString())));
            JsonNode update = client.ofType("alert_update").stream().filter(f -> alertId.equals(f.json().path("alert_id").asString()))
                    .findFirst().orElseThrow().json();
            assertThat(MetricStreamIntegrationTest.fieldNames(update))
                    .isEqualTo(Set.of("timestamp", "frame_type", "alert_id", "status", "severity", "job_id", "acknowledged_by"));
            assertThat(update.get("status").asString()).isEqualTo("ACKNOWLEDGED");
            assertThat(update.get("acknowledged_by").asString()).isEqualTo(TestKeys.ownerOf("admin")); // the key's owner, not the body's name
        } finally {
            client.close();
        }
    }

    /** Publishes the BLOCKED event as the intelligence service does and waits for the job's AlertFrame. */
    private FrameClient.Frame block(String job, FrameClient client) {
        var blocked = new JobStateChanged(job, JobState.PREFLIGHT, JobState.BLOCKED, 3, Instant.now(),
                "profile 'strict' violated: yield_risk 0.42 above 0.30", "Resubmit with dose_mj_cm2=32.0");
        publisher.publish(EVENTS, new EventEnvelope<>(job + "/3", EventTypes.JOB_STATE_CHANGED, 1, Instant.now(), job,
                "intelligence-service", Map.of(), blocked));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> client.ofType("alert").stream().anyMatch(f -> job.equals(f.json().path("job_id").asString())));
        return client.ofType("alert").stream().filter(f -> job.equals(f.json().path("job_id").asString())).findFirst().orElseThrow();
    }
}
