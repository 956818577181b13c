package dev.lto.intelligence.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The history and trends endpoints over HTTP: parameters, problems, paging links, the JSON shape. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "lto.models.bootstrap.enabled=false")
class HistoryApiIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-history-test")::toString);
    }

    static final Instant T0 = Instant.parse("2026-09-01T00:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void rows() {
        if (jdbc.sql("SELECT count(*) FROM simulation_jobs WHERE job_id LIKE 'h_%'").query(Long.class).single() > 0) {
            return;
        }
        // 12 days x 3 jobs of class 9 on adapter "histo": overall_health rises, the rest is constant.
        for (int day = 0; day < 12; day++) {
            for (int k = 0; k < 3; k++) {
                Instant at = T0.plus(Duration.ofDays(day)).plusSeconds(3600L * k);
                jdbc.sql("""
                                INSERT INTO simulation_jobs (job_id, submitted_at, completed_at, status, submitted_by, job_class, adapter_type,
                                    na, wavelength_nm, dose_mj_cm2, sigma, pattern_complexity, use_ai_surrogate,
                                    speed_vs_accuracy, resolution_vs_dof, cost_vs_fidelity, surrogate_reliability, yield_risk, overall_health)
                                VALUES (?, ?, ?, ?, 'alice', 9, 'histo', 0.33, 13.5, 30, 0.8, 'COMPLEX', true, 0.7, 0.6, 0.5, 0.9, 0.1, ?)""")
                        .params("h_%02d_%d".formatted(day, k), utc(at), utc(at.plusSeconds(90)), k == 2 ? "ANOMALY_FLAGGED" : "COMPLETED",
                                0.4 + 0.02 * day + 0.001 * k)
                        .update();
            }
        }
        jdbc.sql("INSERT INTO simulation_jobs (job_id, submitted_at, status, job_class, adapter_type) VALUES ('h_waiting', ?, 'PREFLIGHT', 9, 'histo')")
                .param(utc(T0.plus(Duration.ofDays(20)))).update();
    }

    private static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    @Test
    void historyPagesFollowTheirNextLinksToTheEnd() throws Exception {
        JsonNode first = get200("/api/v1/tradeoffs/history?adapter_type=histo&limit=10");
        assertThat(first.get("total").asLong()).isEqualTo(37);
        assertThat(first.get("count").asInt()).isEqualTo(10);
        JsonNode newest = first.get("items").get(0);
        assertThat(newest.get("job_id").asString()).isEqualTo("h_waiting");
        assertThat(newest.get("state").asString()).isEqualTo("PREFLIGHT");
        assertThat(newest.has("signals")).isFalse(); // not simulated: no signals, not zeros
        JsonNode done = first.get("items").get(1);
        assertThat(done.get("job_id").asString()).isEqualTo("h_11_2");
        assertThat(done.get("state").asString()).isEqualTo("ANOMALY_FLAGGED");
        assertThat(done.get("submitted_at").asString()).isEqualTo("2026-09-12T02:00:00Z");
        assertThat(done.get("completed_at").asString()).isEqualTo("2026-09-12T02:01:30Z");
        assertThat(done.get("job_class").asInt()).isEqualTo(9);
        assertThat(done.at("/parameters/pattern_complexity").asString()).isEqualTo("COMPLEX");
        assertThat(done.at("/parameters/use_ai_surrogate").asBoolean()).isTrue();
        assertThat(done.at("/signals/overall_health").asDouble()).isEqualTo(0.4 + 0.02 * 11 + 0.002);
        assertThat(done.get("signals").size()).isEqualTo(6);
        assertThat(done.at("/links/self").asString()).isEqualTo("/api/v1/jobs/h_11_2");

        List<String> all = new ArrayList<>();
        JsonNode page = first;
        while (true) {
            page.get("items").forEach(i -> all.add(i.get("job_id").asString()));
            if (!page.at("/links").has("next")) {
                assertThat(page.has("next_cursor")).isFalse();
                break;
            }
            page = get200(page.at("/links/next").asString());
            assertThat(page.get("total").asLong()).isEqualTo(37);
        }
        assertThat(all).hasSize(37).doesNotHaveDuplicates();
        assertThat(all.getLast()).isEqualTo("h_00_0");
    }

    @Test
    void historyFiltersByTimeStateAndClass() throws Exception {
        JsonNode page = get200("/api/v1/tradeoffs/history?adapter_type=histo&from=2026-09-03T00:00:00Z&to=2026-09-04T01:00:00%2B00:00"
                + "&state=completed&state=ANOMALY_FLAGGED,CLEARED");
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(i -> ids.add(i.get("job_id").asString()));
        assertThat(ids).containsExactly("h_03_0", "h_02_2", "h_02_1", "h_02_0");
        assertThat(get200("/api/v1/tradeoffs/history?adapter_type=histo&state=ANOMALY_FLAGGED").get("total").asLong()).isEqualTo(12);
        assertThat(get200("/api/v1/tradeoffs/history?adapter_type=histo&job_class=8").get("total").asLong()).isZero();
    }

    @Test
    void badHistoryParametersAreOneProblemNamingEach() throws Exception {
        assertProblem("/api/v1/tradeoffs/history?state=DONE,COMPLETED&limit=501&from=yesterday&job_class=x&stat=COMPLETED&cursor=!!",
                Map.of("state", "enum", "limit", "Range", "from", "type", "job_class", "type", "stat", "unknown", "cursor", "invalid"));
        assertProblem("/api/v1/tradeoffs/history?from=2026-09-02T00:00:00Z&to=2026-09-01T00:00:00Z&limit=0&limit=3",
                Map.of("to", "range", "limit", "type"));
    }

    @Test
    void trendsBucketTheWindowAndJudgeEachSignal() throws Exception {
        JsonNode report = get200("/api/v1/tradeoffs/trends?adapter_type=histo&from=2026-09-01T05:00:00Z&to=2026-09-12T12:00:00Z");
        assertThat(report.get("from").asString()).isEqualTo("2026-09-01T00:00:00Z"); // aligned to whole days
        assertThat(report.get("to").asString()).isEqualTo("2026-09-13T00:00:00Z");
        assertThat(report.get("bucket").asString()).isEqualTo("1d");
        assertThat(report.get("bucket_count").asInt()).isEqualTo(12);
        assertThat(report.get("states").valueStream().map(JsonNode::asString))
                .containsExactly("COMPLETED", "ANOMALY_FLAGGED", "ENGINEER_REVIEW", "CLEARED", "ESCALATED");
        JsonNode health = report.at("/signals/overall_health");
        assertThat(health.get("direction").asString()).isEqualTo("improving");
        assertThat(health.get("polarity").asString()).isEqualTo("higher_is_better");
        assertThat(health.at("/test/buckets_tested").asInt()).isEqualTo(12);
        assertThat(health.at("/test/change_over_window").asDouble()).isCloseTo(0.22, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(health.get("buckets")).hasSize(12);
        assertThat(health.at("/buckets/0/count").asInt()).isEqualTo(3);
        assertThat(report.at("/signals/yield_risk/polarity").asString()).isEqualTo("lower_is_better");
        assertThat(report.at("/signals/yield_risk/direction").asString()).isEqualTo("stable");

        JsonNode one = get200("/api/v1/tradeoffs/trends?adapter_type=histo&signal=yield_risk&bucket=6h&from=2026-09-01T00:00:00Z&to=2026-09-02T00:00:00Z");
        assertThat(one.get("signals").propertyNames()).containsExactly("yield_risk");
        assertThat(one.get("bucket_count").asInt()).isEqualTo(4);
        assertThat(one.at("/signals/yield_risk/direction").asString()).isEqualTo("stable");
        assertThat(one.at("/signals/yield_risk/reason").asString()).contains("too few buckets");
    }

    @Test
    void badTrendParametersAreOneProblemNamingEach() throws Exception {
        assertProblem("/api/v1/tradeoffs/trends?signal=yield,overall_health&bucket=1w&state=FINISHED&limit=5",
                Map.of("signal", "enum", "bucket", "Pattern", "state", "enum", "limit", "unknown"));
        assertProblem("/api/v1/tradeoffs/trends?bucket=1m&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", Map.of("bucket", "Max"));
    }

    private JsonNode get200(String path) throws Exception {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private void assertProblem(String path, Map<String, String> expected) throws Exception {
        HttpResponse<String> r = http.get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/invalid-request");
        Map<String, String> found = new HashMap<>();
        problem.get("errors").forEach(e -> found.put(e.get("field").asString(), e.get("constraint").asString()));
        assertThat(found).as(r.body()).isEqualTo(expected);
    }

}
