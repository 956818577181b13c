package dev.lto.action.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lto.testsupport.MutableClock;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health says what it knows, not UP by default: pipeline activity before and after events and
 * when they stop (on a clock the test moves); streams nothing consumes are NOT_APPLICABLE and do
 * not raise the score, but become DEGRADED once entries wait on them; the simulator adapters'
 * own self-tests, as their service reports them, are components of the system.
 *
 * <p>The event binding reads a stream of its own ({@code ht.events}), so that the events other
 * test classes publish to {@code lto.events} (their contexts stay alive in the test context
 * cache) never reach this context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.stream.bindings.jobEvents-in-0.destination=ht.events",
        "spring.cloud.stream.bindings.jobEvents-in-0.group=action",
        "lto.action.health.streams=ht.events,ht.unused,ht.gpu,ht.orphan",
        "lto.action.health.events-stale-after=2m"})
class HealthTruthIntegrationTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final HttpServer PEER = peer();
    static final AtomicReference<String> ADAPTERS = new AtomicReference<>();

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(T0);
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws java.io.IOException {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", java.nio.file.Files.createTempDirectory("lto-action-test")::toString);
        String peer = "http://localhost:" + PEER.getAddress().getPort();
        registry.add("lto.action.health.services.ingestion-service", () -> peer);
        registry.add("lto.action.health.services.intelligence-service", () -> peer);
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    MutableClock clock;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void pipelineActivityIsUnknownUntilAnEventArrivesAndDegradedWhenEventsStop() throws Exception {
        JsonNode fresh = component("pipeline-activity");
        assertThat(fresh.get("status").asString()).isEqualTo("UNKNOWN");
        assertThat(fresh.get("detail").asString()).contains("no event seen yet");
        assertThat(fresh.at("/data/last_event_at").isNull() || fresh.at("/data/last_event_at").isMissingNode()).isTrue();
        assertThat(getJson("/api/v1/health").get("unhealthy_components").toString()).contains("pipeline-activity");

        clock.advance(Duration.ofMinutes(3));
        JsonNode silent = component("pipeline-activity");
        assertThat(silent.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(silent.get("detail").asString()).contains("no event on lto.events in the 180 s since this service started");

        String job = "job_healthtr1";
        var change = new JobStateChanged(job, null, JobState.SUBMITTED, 1, Instant.now(), null);
        publisher.publish("ht.events", new EventEnvelope<>(job + "/1", EventTypes.JOB_STATE_CHANGED, 1, Instant.now(), job, "test",
                Map.of(), change));
        await().atMost(Duration.ofSeconds(30)).until(() -> component("pipeline-activity").at("/data/events_by_type/job.state_changed").asInt() == 1);
        JsonNode flowing = component("pipeline-activity");
        assertThat(flowing.get("status").asString()).isEqualTo("UP");
        assertThat(flowing.at("/data/last_event_age_s").asLong()).isZero();
        assertThat(flowing.at("/data/last_event_at").asString()).isEqualTo(clock.instant().toString());

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        JsonNode stale = component("pipeline-activity");
        assertThat(stale.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(stale.get("detail").asString()).startsWith("last event 121 s ago, more than 120 s");
        assertThat(stale.at("/data/last_event_age_s").asLong()).isEqualTo(121);
    }

    @Test
    void unconsumedStreamsAreNotApplicableAndDoNotRaiseTheScoreUntilEntriesWaitOnThem() throws Exception {
        TestRedis redis = TestRedis.shared();
        // A GPU request queue: the group is provisioned by a binding that never starts (no GPU pool).
        redis.command("XGROUP", "CREATE", "ht.gpu", "sim-workers", "$", "MKSTREAM");
        ADAPTERS.set(adapters(adapter("synthetic", "UP", "cpu", "PyTorch 2.7.1, clear-field error 1.2e-07")));

        JsonNode report = getJson("/api/v1/health/components");
        JsonNode unused = component(report, "stream:ht.unused");
        assertThat(unused.get("status").asString()).isEqualTo("NOT_APPLICABLE");
        assertThat(unused.get("detail").asString()).contains("no consumer group and nothing waiting");
        JsonNode gpu = component(report, "stream:ht.gpu");
        assertThat(gpu.get("status").asString()).isEqualTo("NOT_APPLICABLE");
        assertThat(gpu.get("detail").asString()).contains("group sim-workers is bound but no consumer has read from it");
        assertThat(component(report, "stream:ht.orphan").get("status").asString()).as("does not exist yet").isEqualTo("NOT_APPLICABLE");
        assertThat(component(report, "stream:ht.events").get("status").asString()).as("read by this service's binding").isEqualTo("UP");

        // The summary leaves them out: not unhealthy, not in the score's denominator, counted apart.
        JsonNode summary = getJson("/api/v1/health");
        assertThat(summary.at("/components_by_status/NOT_APPLICABLE").asInt()).isEqualTo(3);
        assertThat(summary.get("unhealthy_components").toString()).doesNotContain("ht.unused", "ht.gpu", "ht.orphan");
        assertThat(summary.get("system_health").asDouble()).isEqualTo(expectedScore(getJson("/api/v1/health/components")));

        // Work arrives where nothing consumes it: no longer "not applicable".
        redis.command("XADD", "ht.gpu", "*", "payload", "a GPU job");
        redis.command("XADD", "ht.orphan", "*", "payload", "nobody reads this");
        report = getJson("/api/v1/health/components");
        gpu = component(report, "stream:ht.gpu");
        assertThat(gpu.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(gpu.get("detail").asString()).isEqualTo("1 entry waiting in group sim-workers, from which no consumer has ever read");
        JsonNode orphan = component(report, "stream:ht.orphan");
        assertThat(orphan.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(orphan.get("detail").asString()).isEqualTo("1 entry but no consumer group reads this stream");
        assertThat(getJson("/api/v1/health").get("unhealthy_components").toString()).contains("stream:ht.gpu", "stream:ht.orphan");
    }

    @Test
    void eachSimulatorAdaptersSelfTestIsAComponent() throws Exception {
        ADAPTERS.set(adapters(adapter("synthetic", "UP", "cpu", "PyTorch 2.7.1, clear-field error 1.2e-07"),
                adapter("prolith", "DOWN", null, "license server not answering")));
        JsonNode report = getJson("/api/v1/health/components");
        JsonNode synthetic = component(report, "adapter:synthetic@intelligence-service");
        assertThat(synthetic.get("kind").asString()).isEqualTo("simulator-adapter");
        assertThat(synthetic.get("status").asString()).isEqualTo("UP");
        assertThat(synthetic.get("detail").asString()).isEqualTo("PyTorch 2.7.1, clear-field error 1.2e-07");
        assertThat(synthetic.at("/data/device").asString()).isEqualTo("cpu");
        assertThat(synthetic.at("/data/simulator_version").asString()).isEqualTo("synthetic-1");
        JsonNode prolith = component(report, "adapter:prolith@intelligence-service");
        assertThat(prolith.get("status").asString()).isEqualTo("DOWN");
        assertThat(prolith.get("detail").asString()).isEqualTo("license server not answering");
        // Both services answer UP at /actuator/health: only the adapter makes the system DOWN.
        assertThat(component(report, "intelligence-service").get("status").asString()).isEqualTo("UP");
        JsonNode summary = getJson("/api/v1/health");
        assertThat(summary.get("status").asString()).isEqualTo("DOWN");
        assertThat(summary.get("unhealthy_components").toString()).contains("adapter:prolith@intelligence-service")
                .doesNotContain("adapter:synthetic");

        ADAPTERS.set(adapters(adapter("synthetic", "DEGRADED", "cpu", "PyTorch 2.7.1, clear-field error 3.0e-02")));
        assertThat(component("adapter:synthetic@intelligence-service").get("status").asString()).isEqualTo("DEGRADED");
        assertThat(getJson("/api/v1/health/components").toString()).doesNotContain("adapter:prolith");

        ADAPTERS.set(null); // the service answers 404: we cannot tell
        JsonNode unknown = component("adapters@intelligence-service");
        assertThat(unknown.get("status").asString()).isEqualTo("UNKNOWN");
        assertThat(unknown.get("detail").asString()).endsWith("answered HTTP 404");
    }

    /** The score from the components themselves: UP counts 1, DEGRADED ½, NOT_APPLICABLE is left out. */
    private static double expectedScore(JsonNode report) {
        double points = 0;
        int applicable = 0;
        for (JsonNode c : report.get("components")) {
            String s = c.get("status").asString();
            if (!s.equals("NOT_APPLICABLE")) {
                applicable++;
                points += s.equals("UP") ? 1 : s.equals("DEGRADED") ? 0.5 : 0;
            }
        }
        return Math.round(points / applicable * 1000) / 1000.0;
    }

    private static String adapter(String type, String status, String device, String detail) {
        return "{\"adapter_type\":\"" + type + "\",\"status\":\"" + status + "\",\"simulator_version\":\"" + type + "-1\""
                + (device == null ? "" : ",\"device\":\"" + device + "\"") + ",\"detail\":\"" + detail
                + "\",\"checked_at\":\"2026-12-01T09:59:58Z\"}";
    }

    private static String adapters(String... adapters) {
        return "{\"status\":\"UP\",\"adapters\":[" + String.join(",", adapters) + "]}";
    }

    private JsonNode component(String name) throws Exception {
        return component(getJson("/api/v1/health/components"), name);
    }

    private static JsonNode component(JsonNode report, String name) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : report.get("components")) {
            if (c.get("name").asString().equals(name)) {
                return c;
            }
            names.add(c.get("name").asString());
        }
        throw new AssertionError("no component " + name + " in " + names);
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("X-API-Key", TestKeys.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static HttpServer peer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.createContext("/actuator/health", exchange -> answer(exchange, 200, "{\"status\":\"UP\"}"));
            server.createContext("/api/v1/simulators/health", exchange -> {
                String body = ADAPTERS.get();
                answer(exchange, body == null ? 404 : 200, body == null ? "{}" : body);
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
