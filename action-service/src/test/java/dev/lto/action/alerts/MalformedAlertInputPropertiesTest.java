package dev.lto.action.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.action.ActionApplication;
import dev.lto.contracts.AlertSeverity;
import dev.lto.testsupport.MalformedJson;
import dev.lto.testsupport.MalformedJson.Body;
import dev.lto.testsupport.MalformedJson.Contract;
import dev.lto.testsupport.MalformedJson.Query;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Input hardening of the alert API (issue #14, docs/api.md "Problem types"): malformed acks, feedback, Alertmanager
 * payloads, filters and ids never answer 5xx, surely-invalid ones are refused, and the real store is unchanged unless
 * the answer was a success. The service runs for real (own Spring context, HTTP, a real redis-server, its own store).
 */
class MalformedAlertInputPropertiesTest {

    static final String ACK = """
            {"acknowledged_by":"eng-7","note":"looking at it"}""";
    static final String FEEDBACK = """
            {"was_actionable":true}""";
    /** Only the fields the webhook reads: Alertmanager's others are ignored, so changing them changes nothing. */
    static final String WEBHOOK = """
            {"version":"4","alerts":[{"status":"firing","labels":{"alertname":"DiskFull","severity":"critical","job_id":"job_1"},
             "annotations":{"summary":"disk full"},"fingerprint":"fp%s","startsAt":"2026-12-03T10:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}""";

    private static ConfigurableApplicationContext app;
    private static TestHttp api;
    private static JdbcClient db;
    private static AlertEngine engine;

    @BeforeContainer
    static void start() throws Exception {
        // Command-line arguments: they win over application.yml (default properties would lose to its port 8081 and Redis 6379).
        app = new SpringApplicationBuilder(ActionApplication.class)
                .run(Stream.concat(Stream.of(TestRedis.shared().springProperties()), Stream.of(
                        "server.port=0", "lto.data-dir=" + Files.createTempDirectory("lto-alert-hardening"),
                        "lto.action.alerts.check-interval=1h")).map(p -> "--" + p).toArray(String[]::new));
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        api = TestHttp.localhost(() -> port).withTimeout(java.time.Duration.ofSeconds(30));
        db = app.getBean(JdbcClient.class);
        engine = app.getBean(AlertEngine.class);
    }

    @AfterContainer
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Alert freshAlert() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        return engine.raise(new AlertSignal("prop/" + id, "prop/" + id, AlertSeverity.WARN, "prop_test", "job_" + id,
                "property test alert", null, AlertSource.STREAM, "test", Instant.now())).orElseThrow();
    }

    /** What the API can change of an alert. */
    private static String stateOf(String alertId) {
        return db.sql("SELECT concat_ws('|', acknowledged_at, acknowledged_by, ack_note, was_actionable, resolved_at) FROM alerts WHERE alert_id = ?")
                .param(alertId).query(String.class).single();
    }

    private static long alerts() {
        return db.sql("SELECT count(*) FROM alerts").query(Long.class).single();
    }

    @Provide
    Arbitrary<Body> acks() {
        return MalformedJson.bodies(ACK, Contract.strict());
    }

    @Provide
    Arbitrary<Body> feedbacks() {
        return MalformedJson.bodies(FEEDBACK, Contract.strict());
    }

    @Provide
    Arbitrary<Body> webhooks() {
        return MalformedJson.bodies(WEBHOOK.formatted(UUID.randomUUID().toString().substring(0, 8)), Contract.strict()
                .withFreeForm("alerts[].labels", "alerts[].annotations")
                .withNullable("alerts[].annotations", "alerts[].endsAt")
                .tolerantOfUnknownFields());
    }

    @Provide
    Arbitrary<Query> activeFilters() {
        return MalformedJson.queries(List.of("severity", "type"), List.of("WARN", "critical,info", "job_blocked", "EMERGENCY,bogus", ""));
    }

    @Provide
    Arbitrary<Query> historyFilters() {
        return MalformedJson.queries(List.of("severity", "type", "job_id", "from", "to", "limit", "cursor"),
                List.of("WARN", "job_blocked", "job_1", "2026-12-03T10:00:00Z", "2026-12-03T10:00:00+01:00", "1", "0", "501", "-1",
                        "MTc5NTY4NjAxMjAwMDAwMDphbGVydF8x", "../x"));
    }

    @Provide
    Arbitrary<String[]> alertIds() {
        return MalformedJson.pathIds(List.of("alert_00000000", "alert_", "a.b", "..", "%2F"));
    }

    @Property(tries = 200)
    void aMalformedAckIsRefusedAndLeavesTheAlertAsItWas(@ForAll("acks") Body body) throws Exception {
        Alert alert = freshAlert();
        String before = stateOf(alert.alertId());
        HttpResponse<String> r = api.post("/api/v1/alerts/" + alert.alertId() + "/ack", body.bytes());
        checkAnswer(body.toString(), body.surelyInvalid(), r);
        if (r.statusCode() != 200) {
            assertThat(stateOf(alert.alertId())).as("changed although answered %s: %s", r.statusCode(), body).isEqualTo(before);
        }
    }

    @Property(tries = 200)
    void malformedFeedbackIsRefusedAndLeavesTheAlertAsItWas(@ForAll("feedbacks") Body body) throws Exception {
        Alert alert = freshAlert();
        String before = stateOf(alert.alertId());
        HttpResponse<String> r = api.post("/api/v1/alerts/" + alert.alertId() + "/feedback", body.bytes());
        checkAnswer(body.toString(), body.surelyInvalid(), r);
        if (r.statusCode() != 200) {
            assertThat(stateOf(alert.alertId())).as("changed although answered %s: %s", r.statusCode(), body).isEqualTo(before);
        }
    }

    @Property(tries = 300)
    void aMalformedAlertmanagerPayloadIsRefusedAndStoresNothing(@ForAll("webhooks") Body body) throws Exception {
        long before = alerts();
        HttpResponse<String> r = api.post("/api/v1/alerts/alertmanager", body.bytes());
        checkAnswer(body.toString(), body.surelyInvalid(), r);
        if (r.statusCode() != 200) {
            assertThat(alerts()).as("stored although answered %s: %s", r.statusCode(), body).isEqualTo(before);
        }
    }

    @Property(tries = 200)
    void activeFiltersNeverFail(@ForAll("activeFilters") Query q) throws Exception {
        checkAnswer(q.toString(), q.surelyInvalid(), api.get("/api/v1/alerts/active?" + q.text()));
    }

    @Property(tries = 200)
    void historyFiltersNeverFail(@ForAll("historyFilters") Query q) throws Exception {
        checkAnswer(q.toString(), q.surelyInvalid(), api.get("/api/v1/alerts/history?" + q.text()));
    }

    @Property(tries = 200)
    void oddAlertIdsAreRefusedOrUnknownAndChangeNothing(@ForAll("alertIds") String[] id) throws Exception {
        long before = alerts();
        String path = "/api/v1/alerts/" + MalformedJson.enc(id[0]);
        for (HttpResponse<String> r : List.of(api.get(path), api.post(path + "/ack", ACK), api.post(path + "/feedback", FEEDBACK))) {
            checkAnswer(String.join(" ", id), !id[1].isEmpty(), r);
            assertThat(r.statusCode()).as("%s → %s", id[0], r.body()).isNotEqualTo(200);
        }
        assertThat(alerts()).isEqualTo(before);
    }

    /** Never a 5xx; a surely-invalid request is a 400 (or a 413/414/431 limit of the server) with a problem body. */
    static void checkAnswer(String what, boolean surelyInvalid, HttpResponse<String> r) {
        assertThat(r.statusCode()).as("%s → %s %s", what, r.statusCode(), r.body()).isLessThan(500);
        if (surelyInvalid) {
            assertThat(r.statusCode()).as("%s → %s", what, r.body()).isIn(400, 413, 414, 431);
        }
    }
}
