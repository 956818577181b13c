package dev.lto.intelligence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.ConfidenceLevel;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.contracts.UncertaintyAssessment;
import dev.lto.intelligence.tradeoffs.TradeoffAnswers;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.simulator.spi.SurrogateAudit;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The surrogate audit flow in the running service with its real stores (DuckDB in a temp dir, Redis
 * from TestRedis): the share picked, the RMSE stored and trended, the {@code surrogate_drift} alert
 * once per episode on {@code lto.alerts}, the forced-physics rule in the preflight and its clearing
 * through the API. An adapter whose audit answers a set RMSE per job class stands in for the physics
 * (whose audit is tested in simulator-adapters' SurrogateAuditTest). The background drain is slowed
 * to an hour: the test drains itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.models.bootstrap.enabled=false",
        "lto.surrogate-audit.interval=1h",
        "lto.surrogate-audit.max-per-drain=1000",
        "lto.surrogate-audit.window=10",
        "lto.surrogate-audit.min-audits=5"})
class SurrogateAuditIntegrationTest {

    static final String ADAPTER = "audit-fake";
    /** The RMSE the fake adapter's audit measures, per job class. */
    static final Map<Integer, Double> RMSE = new ConcurrentHashMap<>();

    @TestConfiguration
    static class Fakes {
        @Bean
        SimulatorInterface auditFake() {
            return new AuditOnlyAdapter(ADAPTER, p -> Boolean.TRUE.equals(p.useAiSurrogate())
                    ? java.util.Optional.of(new SurrogateAudit(RMSE.getOrDefault(p.jobClass(), 0.002), 0.002, 0.01, 0.02, 64, "fake-1"))
                    : java.util.Optional.empty());
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-surrogate-audit-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    SurrogateAuditor auditor;
    @Autowired
    TradeoffAnswers answers;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;
    @Autowired
    StringRedisTemplate redis;
    /** This test's alerts only (the shared test Redis holds other tests' too). */
    private final dev.lto.intelligence.AlertStream alertStream = dev.lto.intelligence.AlertStream.markNow();

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theShareIsDeterministicByJobIdAndCloseToFivePercent() {
        int picked = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            boolean s = SurrogateAuditor.sampled("job_" + i, 0.05);
            assertThat(SurrogateAuditor.sampled("job_" + i, 0.05)).isEqualTo(s);
            picked += s ? 1 : 0;
        }
        // Binomial(20000, 0.05): sd 30.8; ±5 sd.
        assertThat(picked).isBetween(1000 - 154, 1000 + 154);
        assertThat(SurrogateAuditor.sampled("job_1", 0)).isFalse();
        assertThat(SurrogateAuditor.sampled("job_1", 1)).isTrue();
    }

    @Test
    void samplesStoresTrendsAlertsOncePerEpisodeForcesPhysicsAndClears() throws Exception {
        // 1. Sampling into the persisted queue: 5% of surrogate jobs of a calm class, no Abbe job, no duplicates.
        int queued = 0;
        for (int i = 0; i < 1000; i++) {
            queued += auditor.enqueue("job_calm_" + i, ADAPTER, job("job_calm_" + i, 3, true, Map.of())).isPresent() ? 1 : 0;
            assertThat(auditor.enqueue("job_abbe_" + i, ADAPTER, job("job_abbe_" + i, 3, false, Map.of()))).isEmpty();
        }
        assertThat(queued).isBetween(50 - 35, 50 + 35); // Binomial(1000, 0.05): sd 6.9
        assertThat(auditor.enqueue(firstQueued(), ADAPTER, job(firstQueued(), 3, true, Map.of()))).as("re-delivery").isEmpty();
        assertThat(count("SELECT count(*) FROM surrogate_audit_queue")).isEqualTo(queued);

        // 2. RMSE stored per job, queue drained, trend exported.
        assertThat(auditor.drain()).isEqualTo(queued);
        assertThat(count("SELECT count(*) FROM surrogate_audit_queue")).isZero();
        assertThat(count("SELECT count(*) FROM surrogate_audits WHERE audit_class = '3/conventional' AND rmse = 0.002")).isEqualTo(queued);
        assertThat(meters.get("lto.surrogate.audit.rmse").tag("audit_class", "3/conventional").gauge().value()).isCloseTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(http.get("/actuator/prometheus").body()).contains("lto_surrogate_audit_rmse{audit_class=\"3/conventional\"");
        assertThat(alerts()).noneMatch(a -> a.contains("surrogate_drift"));

        // 3. Class 7 under annular illumination drifts: 3.2% against the 1.5% threshold. Four audits: too few for an alert;
        // the fifth tips the trend; more audits in the same episode raise nothing new.
        RMSE.put(7, 0.032);
        Map<String, Object> annular = Map.of("illumination", "annular");
        for (int i = 0; i < 4; i++) {
            forceAudit("job_drift_" + i, job("job_drift_" + i, 7, true, annular));
        }
        assertThat(alerts()).noneMatch(a -> a.contains("surrogate_drift"));
        assertThat(auditor.report().classes()).anyMatch(t -> t.auditClass().equals("7/annular") && t.audits() == 4 && t.suspected()
                && !t.drifted());
        // Suspected: every surrogate job of the class is audited, sampled or not.
        String notSampled = idNotSampled("job_drift_x");
        assertThat(auditor.enqueue(notSampled, ADAPTER, job(notSampled, 7, true, annular))).contains(SurrogateAuditor.SUSPECTED);
        auditor.drain();
        List<String> raised = alerts().stream().filter(a -> a.contains("surrogate_drift")).toList();
        assertThat(raised).hasSize(1);
        assertThat(raised.getFirst()).contains("Surrogate drift detected: 3.2% (threshold: 1.5%)")
                .contains("Force physics simulation for job class 7 (annular illumination)")
                .contains("\"fingerprint\":\"surrogate_drift/7/annular\"").contains("\"severity\":\"WARN\"");
        for (int i = 5; i < 12; i++) {
            forceAudit("job_drift_" + i, job("job_drift_" + i, 7, true, annular));
        }
        assertThat(alerts().stream().filter(a -> a.contains("surrogate_drift"))).as("once per episode").hasSize(1);
        assertThat(count("SELECT count(*) FROM forced_physics_rules WHERE audit_class = '7/annular' AND cleared_at IS NULL")).isEqualTo(1);

        // 4. The preflight forces physics for the class (surrogate jobs only), not for other classes.
        TradeoffPrediction forced = answers.forcePhysicsIfRuled(job("job_new", 7, true, annular), calm("job_new"));
        assertThat(forced.uncertainty().recommendPhysicsSimulation()).isTrue();
        assertThat(forced.uncertainty().confidenceLevel()).isEqualTo(ConfidenceLevel.LOW);
        assertThat(forced.physicsReasons()).anyMatch(r -> r.contains("surrogate drift on job class 7 (annular illumination)"));
        assertThat(answers.forcePhysicsIfRuled(job("job_other", 7, true, Map.of()), calm("job_other")).uncertainty()
                .recommendPhysicsSimulation()).as("conventional illumination is another class").isFalse();
        assertThat(answers.forcePhysicsIfRuled(job("job_abbe", 7, false, annular), calm("job_abbe")).uncertainty()
                .recommendPhysicsSimulation()).isFalse();

        JsonNode report = json.readTree(http.get("/api/v1/models/surrogate-audit").body());
        assertThat(report.path("share").asDouble()).isEqualTo(0.05);
        assertThat(report.path("active_rules").get(0).path("job_class").asString()).isEqualTo("7/annular");
        assertThat(report.path("active_rules").get(0).path("trend_rmse").asDouble()).isCloseTo(0.032, org.assertj.core.data.Offset.offset(1e-12));

        // 5. Cleared by an admin (who and why stored): a resolved alert, the preflight no longer forces, a new episode.
        HttpResponse<String> bad = http.post("/api/v1/models/surrogate-audit/clear", "{\"job_class\": \"7/annular\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> cleared = http.post("/api/v1/models/surrogate-audit/clear",
                "{\"job_class\": \"7/annular\", \"reason\": \"kernels rebuilt with 48 terms\"}");
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        JsonNode rule = json.readTree(cleared.body());
        assertThat(rule.path("active").asBoolean()).isFalse();
        assertThat(rule.path("cleared_by").asString()).isNotBlank();
        assertThat(rule.path("clear_reason").asString()).isEqualTo("kernels rebuilt with 48 terms");
        assertThat(alerts()).anyMatch(a -> a.contains("\"fingerprint\":\"surrogate_drift/7/annular\"") && a.contains("\"resolved\":true"));
        assertThat(answers.forcePhysicsIfRuled(job("job_new2", 7, true, annular), calm("job_new2")).uncertainty()
                .recommendPhysicsSimulation()).isFalse();
        assertThat(http.post("/api/v1/models/surrogate-audit/clear", "{\"job_class\": \"7/annular\", \"reason\": \"again\"}")
                .statusCode()).isEqualTo(404);
        assertThat(auditor.report().classes()).anyMatch(t -> t.auditClass().equals("7/annular") && t.audits() == 0);

        // 6. Still drifting after the clear: a new episode raises a new rule and a new alert after min-audits audits.
        for (int i = 20; i < 25; i++) {
            forceAudit("job_drift_" + i, job("job_drift_" + i, 7, true, annular));
        }
        assertThat(alerts().stream().filter(a -> a.contains("surrogate_drift") && a.contains("Surrogate drift detected"))).hasSize(2);
        assertThat(count("SELECT count(*) FROM forced_physics_rules WHERE audit_class = '7/annular'")).isEqualTo(2);
    }

    /** Queues a job for an audit whether or not the share picks it (as a suspected class does) and drains. */
    private void forceAudit(String id, JobParameters p) {
        jdbc.sql("INSERT INTO surrogate_audit_queue (job_id, audit_class, adapter_type, parameters, reason, queued_at)"
                        + " VALUES (?, ?, ?, ?, 'test', now())")
                .params(id, AuditClass.of(p), ADAPTER, json.writeValueAsString(p)).update();
        auditor.drain();
    }

    private String firstQueued() {
        return jdbc.sql("SELECT min(job_id) FROM surrogate_audit_queue").query(String.class).single();
    }

    private static String idNotSampled(String prefix) {
        for (int i = 0; ; i++) {
            if (!SurrogateAuditor.sampled(prefix + i, 0.05)) {
                return prefix + i;
            }
        }
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private List<String> alerts() {
        return alertStream.read(redis);
    }

    private static TradeoffPrediction calm(String id) {
        return new TradeoffPrediction(id, null, null, new UncertaintyAssessment(false, false, ConfidenceLevel.HIGH), null, null,
                "test-1", 1.0);
    }

    private static JobParameters job(String id, int cls, boolean surrogate, Map<String, Object> md) {
        return new JobParameters(id, 0.33, 13.5, 30.0, 0.8, 30.0, 2.0, PatternComplexity.MODERATE, surrogate, cls, null, null, null, md);
    }
}
