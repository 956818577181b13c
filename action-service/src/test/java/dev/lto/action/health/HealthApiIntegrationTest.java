package dev.lto.action.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestKeys;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Health from real checks: a real Redis, a stream with a group, one service up and one not answering. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HealthApiIntegrationTest {

    static final int DEAD_PORT = freePort();
    static final HttpServer PEER = peerAnsweringUp();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws java.io.IOException {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", java.nio.file.Files.createTempDirectory("lto-action-test")::toString);
        // A peer answering like a healthy Boot actuator; nothing listens on DEAD_PORT.
        registry.add("lto.action.health.services.ingestion-service", () -> "http://localhost:" + PEER.getAddress().getPort());
        registry.add("lto.action.health.services.intelligence-service", () -> "http://localhost:" + DEAD_PORT);
        registry.add("lto.action.health.streams", () -> "lto.events,lto.jobs.submitted");
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void componentsReportRedisStreamsServicesAndWhatWasSeenOnTheEventStream() throws Exception {
        String job = "job_health01";
        JobState[] path = {null, JobState.SUBMITTED, JobState.VALIDATING, JobState.PREFLIGHT};
        for (int seq = 1; seq <= 3; seq++) {
            var change = new JobStateChanged(job, path[seq - 1], path[seq], seq, Instant.now(), null);
            var envelope = new EventEnvelope<>(job + "/" + seq, EventTypes.JOB_STATE_CHANGED, 1, Instant.now(), job, "test", Map.of(), change);
            publisher.publish("lto.events", envelope);
            publisher.publish("lto.events", envelope); // a duplicate delivery must not count twice
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> component("pipeline-activity").at("/data/jobs_by_state/PREFLIGHT").asInt() == 1);

        JsonNode activity = component("pipeline-activity");
        assertThat(activity.at("/data/events_by_type/job.state_changed").asInt()).isEqualTo(3);
        assertThat(activity.at("/data/duplicates_ignored").asInt()).isEqualTo(3);

        assertThat(component("redis").get("status").asString()).isEqualTo("UP");
        JsonNode events = component("stream:lto.events");
        assertThat(events.at("/data/length").asInt()).isEqualTo(6);
        assertThat(events.at("/data/dlq_length").asInt()).isZero();
        assertThat(events.at("/data/groups/0/group").asString()).isEqualTo("action");
        assertThat(events.at("/data/groups/0/lag").asInt()).isZero();

        // Nothing consumes lto.jobs.submitted here and nothing waits on it: not applicable, not UP.
        assertThat(component("stream:lto.jobs.submitted").get("status").asString()).isEqualTo("NOT_APPLICABLE");
        assertThat(component("pipeline-activity").get("status").asString()).isEqualTo("UP");

        assertThat(component("ingestion-service").get("status").asString()).isEqualTo("UP");
        JsonNode dead = component("intelligence-service");
        assertThat(dead.get("status").asString()).isEqualTo("DOWN");
        assertThat(dead.get("detail").asString()).contains("not answering");
        // Its simulator adapters cannot be asked: unknown, not assumed UP.
        JsonNode adapters = component("adapters@intelligence-service");
        assertThat(adapters.get("status").asString()).isEqualTo("UNKNOWN");
        assertThat(adapters.get("detail").asString()).startsWith("could not ask http://localhost:" + DEAD_PORT + "/api/v1/simulators/health");

        JsonNode summary = getJson("/api/v1/health");
        assertThat(summary.get("status").asString()).isEqualTo("DOWN");
        assertThat(summary.get("unhealthy_components").toString()).contains("intelligence-service");
        assertThat(summary.get("system_health").asDouble()).isBetween(0.0, 1.0).isLessThan(1.0);
    }

    @Test
    void redisDownIsReportedDownNotAnError() throws Exception {
        TestRedis redis = TestRedis.shared();
        redis.stop();
        try {
            JsonNode report = getJson("/api/v1/health/components");
            assertThat(report.get("status").asString()).isEqualTo("DOWN");
            assertThat(component(report, "redis").get("status").asString()).isEqualTo("DOWN");
        } finally {
            redis.start();
        }
    }

    private JsonNode component(String name) throws Exception {
        return component(getJson("/api/v1/health/components"), name);
    }

    private static JsonNode component(JsonNode report, String name) {
        for (JsonNode c : report.get("components")) {
            if (c.get("name").asString().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + report);
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("X-API-Key", TestKeys.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static HttpServer peerAnsweringUp() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/actuator/health", exchange -> {
                byte[] body = "{\"status\":\"UP\"}".getBytes();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
