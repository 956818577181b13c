package dev.lto.action.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.AlertRaised;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.event.EventListener;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The alert engine through its real inputs and API: job events on {@code lto.events} (a real
 * Redis), {@code lto.alerts} (including poison messages, dead-lettered), the REST API and the
 * engine's application events. No Alertmanager here (AlertmanagerRoundTripIntegrationTest).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(AlertsApiIntegrationTest.Listener.class)
class AlertsApiIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws java.io.IOException {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-alerts-test")::toString);
        registry.add("lto.action.alerts.check-interval", () -> "1h"); // system conditions: SystemAlertsTest
        registry.add("spring.cloud.stream.redis.bindings.alertEvents-in-0.consumer.max-deliveries", () -> "2");
        registry.add("spring.cloud.stream.redis.bindings.alertEvents-in-0.consumer.min-idle-time", () -> "500ms");
    }

    /** Records the engine's application events, as the WebSocket layer would receive them. */
    @TestConfiguration
    static class Listener {
        final List<Object> seen = java.util.Collections.synchronizedList(new ArrayList<>());

        @EventListener
        void fired(AlertEvents.AlertFired e) {
            seen.add(e);
        }

        @EventListener
        void acked(AlertEvents.AlertAcknowledged e) {
            seen.add(e);
        }

        @EventListener
        void resolved(AlertEvents.AlertResolved e) {
            seen.add(e);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    Listener listener;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private final JsonMapper json = JsonMapper.builder().build();

    private TestHttp http() {
        return TestHttp.localhost(() -> port);
    }

    private void stateChange(String job, int seq, JobState from, JobState to, String reason, String recommendation) {
        var change = new JobStateChanged(job, from, to, seq, Instant.now(), reason, recommendation);
        publisher.publish("lto.events", new EventEnvelope<>(job + "/" + seq, EventTypes.JOB_STATE_CHANGED, 1, Instant.now(), job,
                "intelligence-service", Map.of(), change));
    }

    /** seq:to_state of the job's rows in job_state_events, in order. */
    private List<String> storedEvents(String job) {
        return jdbc.sql("SELECT seq || ':' || to_state FROM job_state_events WHERE job_id = ? ORDER BY seq").param(job)
                .query(String.class).list();
    }

    private JsonNode active(String query) throws Exception {
        return json.readTree(http().get("/api/v1/alerts/active" + query).body());
    }

    private JsonNode alertFor(String job) throws Exception {
        for (JsonNode a : json.readTree(http().get("/api/v1/alerts/history?job_id=" + job).body()).get("items")) {
            return a;
        }
        return null;
    }

    @Test
    void aBlockedJobRaisesOneWarnWithTheAlternativeAndRedeliveryChangesNothing() throws Exception {
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        stateChange(job, 3, JobState.PREFLIGHT, JobState.BLOCKED, "profile 'strict' violated: yield risk 0.42 above 0.30",
                "Resubmit with dose_mj_cm2=32.0: predicted to meet the whole constraint profile");
        stateChange(job, 3, JobState.PREFLIGHT, JobState.BLOCKED, "profile 'strict' violated: yield risk 0.42 above 0.30",
                "Resubmit with dose_mj_cm2=32.0: predicted to meet the whole constraint profile"); // redelivery
        await().atMost(Duration.ofSeconds(20)).until(() -> alertFor(job) != null);
        Thread.sleep(500); // the duplicate is consumed right behind the first

        JsonNode alert = alertFor(job);
        assertThat(alert.get("severity").asString()).isEqualTo("WARN");
        assertThat(alert.get("alert_type").asString()).isEqualTo("job_blocked");
        assertThat(alert.get("alert_id").asString()).matches("alert_[0-9a-f]{8}");
        assertThat(alert.get("message").asString()).contains("yield risk 0.42");
        assertThat(alert.get("recommendation").asString()).startsWith("Resubmit with dose_mj_cm2=32.0");
        assertThat(alert.get("occurrences").asInt()).isEqualTo(1);
        assertThat(json.readTree(http().get("/api/v1/alerts/history?job_id=" + job).body()).get("items").size()).isEqualTo(1);
        // The state event itself is stored once, however often it was delivered (JobEventLog).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(storedEvents(job)).containsExactly("3:BLOCKED"));

        // A second, distinct event with the same fingerprint folds into the open alert.
        stateChange(job, 4, JobState.PREFLIGHT, JobState.BLOCKED, "again", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertFor(job).get("occurrences").asInt() == 2);
        assertThat(alertFor(job).get("alert_id").asString()).isEqualTo(alert.get("alert_id").asString());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(storedEvents(job)).containsExactly("3:BLOCKED", "4:BLOCKED"));

        String id = alert.get("alert_id").asString();
        assertThat(active("?severity=WARN&type=job_blocked").toString()).contains(id);
        assertThat(active("?severity=CRITICAL").toString()).doesNotContain(id);
        assertThat(listener.seen).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(AlertEvents.AlertFired.class,
                f -> assertThat(f.alert().alertId()).isEqualTo(id)));

        String metrics = http().get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("lto_alert_fired_total\\{.*alert_type=\"job_blocked\".*severity=\"WARN\".*\\} [1-9]");
    }

    @Test
    void acknowledgeFeedbackAndTheirBadInputs() throws Exception {
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        stateChange(job, 7, JobState.EVALUATING, JobState.ANOMALY_FLAGGED, "actual yield_risk 0.61 outside [0.10, 0.30]", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertFor(job) != null);
        String id = alertFor(job).get("alert_id").asString();
        assertThat(alertFor(job).get("severity").asString()).isEqualTo("CRITICAL");

        HttpResponse<String> bad = http().post("/api/v1/alerts/" + id + "/ack", "{\"acknowledged_by\": 5, \"colour\": \"red\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("acknowledged_by").contains("colour");
        assertThat(http().post("/api/v1/alerts/alert_00000000/ack", "{\"acknowledged_by\":\"ana\"}").statusCode()).isEqualTo(404);

        // the acknowledger is the key's owner, whatever the body says (docs/security.md)
        HttpResponse<String> ok = http().withKey(TestKeys.ENGINEER).post("/api/v1/alerts/" + id + "/ack",
                "{\"acknowledged_by\":\"ana\",\"note\":\"looking\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode acked = json.readTree(ok.body());
        assertThat(acked.get("acknowledged_by").asString()).isEqualTo(TestKeys.ownerOf("engineer"));
        assertThat(acked.get("ack_note").asString()).isEqualTo("looking");
        assertThat(active("").toString()).doesNotContain(id);

        HttpResponse<String> again = http().post("/api/v1/alerts/" + id + "/ack", "{\"acknowledged_by\":\"bo\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        JsonNode conflict = json.readTree(again.body());
        assertThat(conflict.get("acknowledged_by").asString()).isEqualTo(TestKeys.ownerOf("engineer"));
        assertThat(conflict.get("status").asString()).isIn("ACKNOWLEDGED", "RESOLVED");

        assertThat(http().post("/api/v1/alerts/" + id + "/feedback", "{\"was_actionable\":\"yes\"}").body()).contains("was_actionable");
        assertThat(http().post("/api/v1/alerts/" + id + "/feedback", "{\"was_actionable\":\"yes\"}").statusCode()).isEqualTo(400);
        assertThat(http().post("/api/v1/alerts/alert_00000000/feedback", "{\"was_actionable\":true}").statusCode()).isEqualTo(404);
        assertThat(json.readTree(http().post("/api/v1/alerts/" + id + "/feedback", "{\"was_actionable\":true}").body())
                .get("was_actionable").asBoolean()).isTrue();
        assertThat(http().get("/api/v1/alerts/alert_00000000").statusCode()).isEqualTo(404);
    }

    @Test
    void aReviewThatClearsTheJobEndsItsAnomalyAlert() throws Exception {
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        stateChange(job, 7, JobState.EVALUATING, JobState.ANOMALY_FLAGGED, "flagged", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertFor(job) != null);
        stateChange(job, 8, JobState.ANOMALY_FLAGGED, JobState.ENGINEER_REVIEW, null, null);
        stateChange(job, 9, JobState.ENGINEER_REVIEW, JobState.CLEARED, "fine", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESOLVED".equals(alertFor(job).get("status").asString()));
        JsonNode done = alertFor(job);
        assertThat(done.get("resolution_s").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(listener.seen).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(AlertEvents.AlertResolved.class,
                r -> assertThat(r.alert().jobId()).isEqualTo(job)));
    }

    @Test
    void historyFiltersAndPagesByCursor() throws Exception {
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 5; i++) {
            raiseOnStream(new AlertRaised("page_test", AlertSeverity.INFO, job, "item " + i, null, "page-" + i, null));
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                json.readTree(http().get("/api/v1/alerts/history?type=page_test&job_id=" + job).body()).get("items").size() == 5);
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/alerts/history?type=page_test&limit=2&severity=INFO&from=" + before;
        int pages = 0;
        while (next != null) {
            JsonNode page = json.readTree(http().get(next).body());
            page.get("items").forEach(i -> seen.add(i.get("alert_id").asString()));
            next = page.path("links").has("next") ? page.get("links").get("next").asString() : null;
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        assertThat(http().get("/api/v1/alerts/history?severity=LOUD").statusCode()).isEqualTo(400);
        assertThat(http().get("/api/v1/alerts/history?cursor=zzz").body()).contains("cursor");
        assertThat(http().get("/api/v1/alerts/history?from=yesterday").body()).contains("from");
        assertThat(http().get("/api/v1/alerts/active?sort=asc").statusCode()).isEqualTo(400);
    }

    @Test
    void theAlertEndpointsAreInTheOpenApiDescription() throws Exception {
        JsonNode paths = json.readTree(http().get("/v3/api-docs").body()).get("paths");
        assertThat(paths.propertyNames()).contains("/api/v1/alerts/active", "/api/v1/alerts/history", "/api/v1/alerts/{alertId}",
                "/api/v1/alerts/{alertId}/ack", "/api/v1/alerts/{alertId}/feedback", "/api/v1/alerts/alertmanager");
    }

    @Test
    void aMalformedAlertIsDeadLetteredWithItsErrorAndTheConsumerGoesOn() throws Exception {
        long dlqBefore = size("lto.alerts.dlq");
        // Not an envelope at all, and an envelope whose payload breaks the contract.
        redis.opsForStream().add("lto.alerts", Map.of("payload", "{not json"));
        publisher.publish("lto.alerts", EventEnvelope.of(EventTypes.ALERT_RAISED, "x", "test",
                new AlertRaised("BAD TYPE!", AlertSeverity.WARN, null, "", null, null, null)));
        String job = "job_" + UUID.randomUUID().toString().substring(0, 8);
        raiseOnStream(new AlertRaised("surrogate_drift", AlertSeverity.WARN, job, "Surrogate drift 3.2% (threshold 1.5%)",
                "Force physics simulation for job class 5", null, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> alertFor(job) != null);
        assertThat(alertFor(job).get("source").asString()).isEqualTo("lto.alerts");
        assertThat(alertFor(job).get("service").asString()).isEqualTo("test");
        await().atMost(Duration.ofSeconds(30)).until(() -> size("lto.alerts.dlq") == dlqBefore + 2);
        var dead = redis.opsForStream().range("lto.alerts.dlq", org.springframework.data.domain.Range.unbounded());
        assertThat(dead.toString()).contains("x-exception-message").contains("alert_type");

        // lto.alerts now has a consumer group: the health API reports it, no longer NOT_APPLICABLE.
        JsonNode health = json.readTree(http().get("/api/v1/health/components").body());
        JsonNode alertsStream = null;
        for (JsonNode c : health.get("components")) {
            if (c.get("name").asString().equals("stream:lto.alerts")) {
                alertsStream = c;
            }
        }
        assertThat(alertsStream).isNotNull();
        assertThat(alertsStream.get("status").asString()).isNotEqualTo("NOT_APPLICABLE");
        assertThat(alertsStream.at("/data/groups/0/group").asString()).isEqualTo("action");

        // The producer resolves it.
        raiseOnStream(new AlertRaised("surrogate_drift", AlertSeverity.WARN, job, "cleared", null, null, true));
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESOLVED".equals(alertFor(job).get("status").asString()));
    }

    @Test
    void alertmanagerWebhookImportsForeignAlertsOnceSkipsOwnAndRejectsMalformedPayloadsWhole() throws Exception {
        String name = "DiskFull" + UUID.randomUUID().toString().substring(0, 6);
        String good = """
                {"status": "firing", "labels": {"alertname": "%s", "severity": "warning", "job_id": "job_x"},
                 "annotations": {"summary": "disk 97%% full"}, "startsAt": "2026-12-03T10:00:00Z",
                 "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus/graph", "fingerprint": "%s"}"""
                .formatted(name, name.toLowerCase());
        String bad = """
                {"status": "burning", "labels": {"severity": "warning"}, "startsAt": "yesterday", "fingerprint": "f00"}""";
        HttpResponse<String> rejected = http().post("/api/v1/alerts/alertmanager", payload("4", good, bad));
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(rejected.body()).contains("alerts[1].status").contains("alerts[1].labels.alertname").contains("alerts[1].startsAt");
        assertThat(http().post("/api/v1/alerts/alertmanager", payload("3", good)).body()).contains("\"version\"");
        assertThat(http().post("/api/v1/alerts/alertmanager", "[1, 2]").statusCode()).isEqualTo(400);
        assertThat(http().get("/api/v1/alerts/history?type=" + name).body()).as("nothing stored from a rejected payload")
                .contains("\"items\":[]");

        String own = """
                {"status": "firing", "labels": {"alertname": "job_blocked", "origin": "lto", "alert_id": "alert_12345678"},
                 "startsAt": "2026-12-03T10:00:00Z", "fingerprint": "abc"}""";
        JsonNode outcome = json.readTree(http().post("/api/v1/alerts/alertmanager", payload("4", good, own)).body());
        assertThat(outcome.get("imported").asInt()).isEqualTo(1);
        assertThat(outcome.get("skipped_lto_origin").asInt()).isEqualTo(1);
        // Alertmanager repeats notifications: the same firing alert changes nothing.
        assertThat(json.readTree(http().post("/api/v1/alerts/alertmanager", payload("4", good)).body()).get("imported").asInt()).isZero();
        JsonNode imported = json.readTree(http().get("/api/v1/alerts/history?type=" + name).body()).get("items").get(0);
        assertThat(imported.get("severity").asString()).isEqualTo("WARN");
        assertThat(imported.get("job_id").asString()).isEqualTo("job_x");
        assertThat(imported.get("occurrences").asInt()).isEqualTo(1);
        assertThat(imported.get("message").asString()).isEqualTo("disk 97% full");

        String resolved = good.replace("\"firing\"", "\"resolved\"").replace("0001-01-01T00:00:00Z", "2026-12-03T10:05:00Z");
        assertThat(json.readTree(http().post("/api/v1/alerts/alertmanager", payload("4", resolved)).body()).get("resolved").asInt())
                .isEqualTo(1);
        assertThat(json.readTree(http().get("/api/v1/alerts/" + imported.get("alert_id").asString()).body()).get("status").asString())
                .isEqualTo("RESOLVED");
    }

    private static String payload(String version, String... alerts) {
        return """
                {"version": "%s", "groupKey": "{}:{alertname=\\"x\\"}", "truncatedAlerts": 0, "status": "firing", "receiver": "lto",
                 "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
                 "alerts": [%s]}""".formatted(version, String.join(",", alerts));
    }

    private void raiseOnStream(AlertRaised alert) {
        publisher.publish("lto.alerts", EventEnvelope.of(EventTypes.ALERT_RAISED, alert.jobId() == null ? "-" : alert.jobId(), "test", alert));
    }

    private long size(String stream) {
        Long n = redis.opsForStream().size(stream);
        return n == null ? 0 : n;
    }
}
