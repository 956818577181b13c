package dev.lto.action.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.lto.contracts.AlertSeverity;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Against a real Alertmanager process, configured with the shipped {@code alertmanager.yml}:
 * an alert fired while Alertmanager is down is delivered once it starts, with its labels and
 * annotations; re-sending keeps an open alert alive past its {@code endsAt}; resolving ends it
 * there; a system condition (a service DOWN) goes there as EMERGENCY and ends when it clears; an
 * alert from elsewhere that Alertmanager routes to LTO's webhook lands in the active list, while
 * LTO's own never come back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertmanagerRoundTripIntegrationTest {

    static final AlertmanagerProcess AM = newAlertmanager();
    static final AtomicBoolean PEER_DOWN = new AtomicBoolean();
    static final HttpServer PEER = peer();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-am-test")::toString);
        registry.add("lto.action.alerts.alertmanager-url", () -> AM == null ? "http://127.0.0.1:1" : AM.url());
        registry.add("lto.action.alerts.check-interval", () -> "1h"); // the test runs the checks itself
        // Re-sending is triggered by the test itself: delivery after the outage must come from the outbox alone.
        registry.add("lto.action.alerts.refire-interval", () -> "1h");
        registry.add("lto.action.alerts.ends-after", () -> "4s");
        registry.add("lto.action.alerts.retry-min", () -> "200ms");
        registry.add("lto.action.alerts.retry-max", () -> "1s");
        registry.add("lto.action.alerts.poll-interval", () -> "200ms");
        String peer = "http://localhost:" + PEER.getAddress().getPort();
        registry.add("lto.action.health.services.ingestion-service", () -> peer);
        registry.add("lto.action.health.services.intelligence-service", () -> peer);
        registry.add("lto.action.health.adapter-hosts", () -> "");
    }

    @LocalServerPort
    int port;

    @Autowired
    AlertEngine engine;

    @Autowired
    AlertmanagerOutbox outbox;

    @Autowired
    SystemAlerts systemAlerts;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterAll
    static void stop() throws InterruptedException {
        if (AM != null) {
            AM.stop();
        }
        PEER.stop(0);
    }

    @Test
    @Order(1)
    void firedWhileAlertmanagerIsDownIsDeliveredOnceItStartsAndResolvingEndsIt() throws Exception {
        assumeAlertmanager();
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        Alert fired = engine.raise(new AlertSignal("test/" + job, "job_anomaly/" + job, AlertSeverity.CRITICAL, "job_anomaly", job,
                "Job " + job + " flagged", "Review it", AlertSource.PIPELINE, "intelligence-service", Instant.now())).orElseThrow();
        // Alertmanager is not running: the change waits in the outbox and is retried.
        Thread.sleep(1500);
        assertThat(outbox.pending()).isPositive();
        assertThat(outbox.lastError()).isNotNull();

        AM.start("http://localhost:" + port);
        JsonNode inAm = await().atMost(Duration.ofSeconds(20)).until(() -> amAlert(fired.alertId()), a -> a != null);
        JsonNode labels = inAm.get("labels");
        assertThat(labels.get("alertname").asString()).isEqualTo("job_anomaly");
        assertThat(labels.get("severity").asString()).isEqualTo("CRITICAL");
        assertThat(labels.get("alert_type").asString()).isEqualTo("job_anomaly");
        assertThat(labels.get("job_id").asString()).isEqualTo(job);
        assertThat(labels.get("service").asString()).isEqualTo("intelligence-service");
        assertThat(labels.get("origin").asString()).isEqualTo("lto");
        assertThat(inAm.at("/annotations/message").asString()).isEqualTo("Job " + job + " flagged");
        assertThat(inAm.at("/annotations/recommendation").asString()).isEqualTo("Review it");
        assertThat(inAm.get("generatorURL").asString()).endsWith("/api/v1/alerts/" + fired.alertId());
        // Alertmanager keeps milliseconds.
        assertThat(Instant.parse(inAm.get("startsAt").asString())).isCloseTo(fired.firedAt(), within(1, ChronoUnit.MILLIS));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.pending() == 0);

        // ends-after is 4 s: only re-sending keeps it active past its first endsAt.
        Instant firstEndsAt = Instant.parse(inAm.get("endsAt").asString());
        Thread.sleep(2000);
        outbox.refire();
        while (Instant.now().isBefore(firstEndsAt.plusSeconds(1))) {
            Thread.sleep(100);
        }
        assertThat(amAlert(fired.alertId())).as("still active in Alertmanager after its first endsAt").isNotNull();

        engine.resolve(null, "job_anomaly/" + job, Instant.now());
        await().atMost(Duration.ofSeconds(10)).until(() -> amAlert(fired.alertId()) == null);

        // LTO's own alerts are not routed back to its webhook (origin=lto), so nothing was imported.
        assertThat(engine.openFrom(AlertSource.ALERTMANAGER)).noneMatch(a -> job.equals(a.jobId()));
    }

    @Test
    @Order(2)
    void aServiceDownIsAnEmergencyInAlertmanagerUntilItComesBack() throws Exception {
        assumeAlertmanager();
        startIfNeeded();
        PEER_DOWN.set(true);
        systemAlerts.check();
        Alert down = engine.openFrom(AlertSource.SYSTEM).stream()
                .filter(a -> a.fingerprint().equals("system/service-down/ingestion-service")).findFirst().orElseThrow();
        assertThat(down.severity()).isEqualTo(AlertSeverity.EMERGENCY);
        JsonNode inAm = await().atMost(Duration.ofSeconds(10)).until(() -> amAlert(down.alertId()), a -> a != null);
        assertThat(inAm.at("/labels/alertname").asString()).isEqualTo("service_down");
        assertThat(inAm.at("/labels/service").asString()).isEqualTo("ingestion-service");
        systemAlerts.check(); // still down: the same alert, counted
        assertThat(engine.find(down.alertId()).orElseThrow().occurrences()).isEqualTo(2);

        PEER_DOWN.set(false);
        systemAlerts.check();
        assertThat(engine.find(down.alertId()).orElseThrow().resolvedAt()).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> amAlert(down.alertId()) == null);
    }

    @Test
    @Order(3)
    void aRuleAlertRoutedToTheWebhookIsListedInLto() throws Exception {
        assumeAlertmanager();
        startIfNeeded();
        String name = "QueueDepthHigh" + UUID.randomUUID().toString().substring(0, 6);
        String body = """
                [{"labels": {"alertname": "%s", "severity": "critical", "job": "intelligence-service", "instance": "i1"},
                  "annotations": {"summary": "lto.sim.requests.cpu holds 812 entries", "runbook_url": "docs/operations.md"},
                  "startsAt": "%s"}]""".formatted(name, Instant.now());
        var r = http.send(HttpRequest.newBuilder(URI.create(AM.url() + "/api/v2/alerts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        TestHttp lto = TestHttp.localhost(() -> port);
        JsonNode imported = await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode a : json.readTree(lto.get("/api/v1/alerts/active").body()).get("alerts")) {
                if (a.get("alert_type").asString().equals(name)) {
                    return a;
                }
            }
            return null;
        }, a -> a != null);
        assertThat(imported.get("severity").asString()).isEqualTo("CRITICAL");
        assertThat(imported.get("source").asString()).isEqualTo("alertmanager");
        assertThat(imported.get("message").asString()).isEqualTo("lto.sim.requests.cpu holds 812 entries");
        assertThat(imported.get("recommendation").asString()).isEqualTo("docs/operations.md");
        // Imported alerts are not pushed back to Alertmanager as LTO's own.
        Thread.sleep(2500);
        assertThat(amAlerts().toString()).doesNotContain("\"alert_id\":\"" + imported.get("alert_id").asString() + "\"");
    }

    private JsonNode amAlert(String alertId) throws Exception {
        String filter = URLEncoder.encode("alert_id=\"" + alertId + "\"", StandardCharsets.UTF_8);
        var r = http.send(HttpRequest.newBuilder(URI.create(AM.url() + "/api/v2/alerts?filter=" + filter)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode list = json.readTree(r.body());
        return list.isEmpty() ? null : list.get(0);
    }

    private JsonNode amAlerts() throws Exception {
        return json.readTree(http.send(HttpRequest.newBuilder(URI.create(AM.url() + "/api/v2/alerts")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private void startIfNeeded() throws Exception {
        if (!AM.running()) {
            AM.start("http://localhost:" + port);
        }
    }

    private static void assumeAlertmanager() {
        assumeTrue(AM != null, "prometheus-alertmanager not installed (apt-get install prometheus-alertmanager; .ci/run does)");
    }

    private static AlertmanagerProcess newAlertmanager() {
        try {
            return AlertmanagerProcess.binary().isPresent() ? new AlertmanagerProcess() : null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer peer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/actuator/health", exchange -> {
                byte[] answer = (PEER_DOWN.get() ? "{\"status\":\"DOWN\"}" : "{\"status\":\"UP\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(PEER_DOWN.get() ? 503 : 200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
