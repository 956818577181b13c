package dev.lto.action.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.lto.contracts.JobState;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestRedis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /ws/metrics} at the seed's real 5 s beat, read by a real WebSocket client: the interval,
 * the exact field set, and values that come from what happened (events on the stream, the trends
 * API of a stand-in intelligence service, the health checks).
 *
 * <p>Reads its own event stream ({@code wsm.events}) so other test contexts' events never reach it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.stream.bindings.jobEvents-in-0.destination=wsm.events",
        "lto.action.health.streams=wsm.events",
        "lto.action.streams.metrics-interval=5s",
        "lto.action.streams.trend-refresh=1s"})
class MetricStreamIntegrationTest {

    static final Set<String> FRAME_FIELDS = Set.of("timestamp", "frame_type", "system_health", "active_jobs", "jobs_per_minute",
            "tradeoff_scores", "alerts_active", "gpu_utilization");
    static final AtomicReference<String> TRENDS_QUERY = new AtomicReference<>();
    static final HttpServer PEER = peer();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
        String peer = "http://localhost:" + PEER.getAddress().getPort();
        registry.add("lto.action.health.services.ingestion-service", () -> peer);
        registry.add("lto.action.health.services.intelligence-service", () -> peer);
        registry.add("lto.action.streams.intelligence-url", () -> peer);
    }

    @AfterAll
    static void stopPeer() {
        PEER.stop(0);
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Test
    void aFrameEveryFiveSecondsWithExactlyTheSeedFieldsFromRealData() {
        FrameClient client = FrameClient.connect(HttpClient.newHttpClient(), "ws://localhost:" + port + "/ws/metrics");
        try {
            await().atMost(Duration.ofSeconds(8)).until(() -> client.frames.size() >= 1);
            JsonNode first = client.frames.getFirst().json();
            assertThat(first.has("gpu_utilization")).as("gpu_utilization is sent, as null").isTrue();
            assertThat(first.get("gpu_utilization").isNull()).as("no GPU worker reported: null, not a number").isTrue();
            assertThat(first.get("jobs_per_minute").asDouble()).isZero();

            String blocked = "job_wsm0001";
            String running = "job_wsm0002";
            publish(blocked, JobState.SUBMITTED, JobState.VALIDATING, JobState.PREFLIGHT, JobState.BLOCKED);
            publish(running, JobState.SUBMITTED, JobState.VALIDATING, JobState.PREFLIGHT, JobState.QUEUED, JobState.RUNNING);
            var progress = new MetricSnapshot(running, Instant.now(), "physics", "imaging", 0.4, 1.2, 0.7, null, Map.of());
            publisher.publish("wsm.events", new EventEnvelope<>(running + "/progress/1", EventTypes.SIMULATION_PROGRESS, 1,
                    Instant.now(), running, "test", Map.of(), progress));

            await().atMost(Duration.ofSeconds(25)).until(() -> client.frames.size() >= 4);
        } finally {
            client.close();
        }

        List<FrameClient.Frame> frames = new ArrayList<>(client.frames);
        for (int i = 1; i < frames.size(); i++) {
            long gapMs = (frames.get(i).arrivedNanos() - frames.get(i - 1).arrivedNanos()) / 1_000_000;
            assertThat(gapMs).as("gap before frame %d", i).isBetween(4500L, 5500L);
        }
        for (FrameClient.Frame f : frames) {
            JsonNode json = f.json();
            assertThat(fieldNames(json)).as(f.text()).isEqualTo(FRAME_FIELDS);
            assertThat(json.get("frame_type").asString()).isEqualTo("metrics");
            assertThat(Instant.parse(json.get("timestamp").asString())).isBefore(Instant.now());
            assertThat(fieldNames(json.get("tradeoff_scores"))).isEqualTo(Set.of("speed_vs_accuracy", "yield_risk", "compute_efficiency"));
            json.get("tradeoff_scores").forEach(score -> {
                assertThat(fieldNames(score)).isEqualTo(Set.of("current", "trend"));
                assertThat(score.get("trend").asString()).isIn("stable", "improving", "degrading");
            });
        }

        JsonNode last = frames.getLast().json();
        assertThat(last.get("system_health").asDouble()).as("health from the checks: a peer answering UP, Redis up").isBetween(0.5, 1.0);
        assertThat(last.get("active_jobs").asLong()).as("the running job; the blocked one ended").isEqualTo(1);
        assertThat(last.get("jobs_per_minute").asDouble()).as("one job ended in the last 5 minutes").isEqualTo(0.2);
        assertThat(last.get("gpu_utilization").asDouble()).as("what the simulator reported").isEqualTo(0.7);
        assertThat(last.get("alerts_active").asLong()).isZero();
        JsonNode scores = last.get("tradeoff_scores");
        assertThat(scores.at("/speed_vs_accuracy/current").asDouble()).as("mean of the latest bucket with jobs").isEqualTo(0.82);
        assertThat(scores.at("/speed_vs_accuracy/trend").asString()).isEqualTo("improving");
        assertThat(scores.at("/yield_risk/trend").asString()).isEqualTo("degrading");
        assertThat(scores.at("/compute_efficiency/current").asDouble()).as("cost_vs_fidelity").isEqualTo(0.61);
        assertThat(TRENDS_QUERY.get()).contains("bucket=10m").contains("signal=speed_vs_accuracy,yield_risk,cost_vs_fidelity");
    }

    private void publish(String job, JobState... path) {
        for (int i = 0; i < path.length; i++) {
            var change = new JobStateChanged(job, i == 0 ? null : path[i - 1], path[i], i + 1, Instant.now(), null);
            publisher.publish("wsm.events", new EventEnvelope<>(job + "/" + (i + 1), EventTypes.JOB_STATE_CHANGED, 1, Instant.now(),
                    job, "test", Map.of(), change));
        }
    }

    static Set<String> fieldNames(JsonNode node) {
        return Set.copyOf(node.propertyNames());
    }

    /** Answers like a healthy Boot actuator and like the intelligence service's trends API. */
    private static HttpServer peer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/actuator/health", exchange -> respond(exchange, "{\"status\":\"UP\"}"));
            server.createContext("/api/v1/simulators/health", exchange -> respond(exchange, """
                    {"adapters":[{"adapter_type":"physics","status":"UP"}]}"""));
            server.createContext("/api/v1/tradeoffs/trends", exchange -> {
                TRENDS_QUERY.set(exchange.getRequestURI().getQuery());
                respond(exchange, """
                        {"bucket":"10m","signals":{
                          "speed_vs_accuracy":{"direction":"improving","buckets":[{"count":3,"mean":0.8},{"count":2,"mean":0.82},{"count":0}]},
                          "yield_risk":{"direction":"degrading","buckets":[{"count":1,"mean":0.1},{"count":4,"mean":0.15}]},
                          "cost_vs_fidelity":{"direction":"stable","buckets":[{"count":5,"mean":0.61}]}}}""");
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
