package dev.lto.ingestion.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.events.StreamNames;
import dev.lto.ingestion.IngestionApplication;
import dev.lto.testsupport.MalformedJson;
import dev.lto.testsupport.MalformedJson.Body;
import dev.lto.testsupport.MalformedJson.Contract;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
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
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Input hardening of the edge (issue #14, docs/api.md "Problem types"): every body endpoint, fed malformed bodies
 * ({@link MalformedJson}), never answers 5xx, refuses every surely-invalid body with a problem, and publishes nothing
 * to its real Redis stream unless it answered 202. The service runs for real (its own Spring context, HTTP on a free
 * port, a real redis-server from {@link TestRedis}); jqwik has no Spring extension, so the context is started here.
 */
class MalformedInputPropertiesTest {

    static final String SUBMIT = """
            {"job_id":"job_hard0001","na":0.33,"wavelength_nm":13.5,"dose_mj_cm2":30,"sigma":0.8,"resist_thickness_nm":30,
             "grid_size_nm":1.0,"pattern_complexity":"MODERATE","use_ai_surrogate":true,"job_class":2,"priority":"HIGH",
             "constraint_profile":"default","submitted_by":"prop","metadata":{"lot":"L1","n":3,"tags":["a"]}}""";
    static final String RESULT = """
            {"job_id":"ext_hard1","parameters":{"na":0.33,"dose_mj_cm2":30,"metadata":{"k":"v"}},
             "outputs":{"resolution_nm":10.2,"depth_of_focus_nm":62,"pattern_fidelity":0.91,"illumination":"annular"},
             "tradeoff_signals":{"speed_vs_accuracy":0.8,"resolution_vs_dof":0.7,"cost_vs_fidelity":0.6,
               "surrogate_reliability":0.9,"yield_risk":0.1,"overall_health":0.8},
             "compute_stats":{"compute_time_s":12.5,"device":"gpu","grid_px":256},
             "timestamp":"2026-11-26T10:00:00Z","simulator_version":"prolith-2024.1","adapter_type":"prolith"}""";
    static final String SNAPSHOTS = """
            [{"job_id":"ext_hard1","timestamp":"2026-11-26T09:59:40Z","adapter_type":"prolith","stage":"imaging","progress":0.4,
              "elapsed_s":4.1,"gpu_utilization":0.7,"memory_bytes":1024,"metrics":{"fft_per_s":1200}},
             {"job_id":"ext_hard1","timestamp":"2026-11-26T09:59:50Z","adapter_type":"prolith","stage":"resist","progress":0.9,"elapsed_s":9.8}]""";
    static final String YIELD = """
            {"job_id":"ext_hard1","yield_fraction":0.93,"wafer_id":"W07","lot_id":"L2026-11","measured_at":"2026-11-26T08:00:00Z"}""";

    private static ConfigurableApplicationContext app;
    private static TestHttp api;
    private static StringRedisTemplate redis;

    @BeforeContainer
    static void start() throws Exception {
        // Command-line arguments: they win over application.yml (default properties would lose to its port 8081 and Redis 6379).
        app = new SpringApplicationBuilder(IngestionApplication.class)
                .run(Stream.concat(Stream.of(TestRedis.shared().springProperties()), Stream.of(
                        "server.port=0", "lto.data-dir=" + java.nio.file.Files.createTempDirectory("lto-hardening"),
                        "lto.ingestion.backpressure.max-backlog=0")).map(p -> "--" + p).toArray(String[]::new));
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        api = TestHttp.localhost(() -> port).withTimeout(java.time.Duration.ofSeconds(30));
        redis = app.getBean(StringRedisTemplate.class);
    }

    @AfterContainer
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Provide
    Arbitrary<Body> submissions() {
        return MalformedJson.bodies(SUBMIT, Contract.strict().withFreeForm("metadata"));
    }

    @Provide
    Arbitrary<Body> results() {
        return MalformedJson.bodies(RESULT, Contract.strict().withFreeForm("parameters.metadata"));
    }

    @Provide
    Arbitrary<Body> snapshots() {
        return MalformedJson.bodies(SNAPSHOTS, Contract.strict().withFreeForm("[].metrics"));
    }

    @Provide
    Arbitrary<Body> yields() {
        return MalformedJson.bodies(YIELD, Contract.strict());
    }

    @Property(tries = 300)
    void aMalformedSubmissionIsRefusedAndNeverPublished(@ForAll("submissions") Body body) throws Exception {
        checkRefusedUnlessAccepted("/api/v1/jobs/submit", body, StreamNames.JOBS_SUBMITTED);
    }

    @Property(tries = 300)
    void aMalformedResultIsRefusedAndNeverPublished(@ForAll("results") Body body) throws Exception {
        checkRefusedUnlessAccepted("/ingest/job", body, StreamNames.SIM_RESULTS);
    }

    @Property(tries = 300)
    void malformedSnapshotsAreRefusedAndNoneIsPublished(@ForAll("snapshots") Body body) throws Exception {
        checkRefusedUnlessAccepted("/ingest/metrics", body, StreamNames.INGEST_METRICS);
    }

    @Property(tries = 300)
    void aMalformedYieldIsRefusedAndNeverPublished(@ForAll("yields") Body body) throws Exception {
        checkRefusedUnlessAccepted("/ingest/yield", body, StreamNames.INGEST_YIELD);
    }

    private static void checkRefusedUnlessAccepted(String path, Body body, String stream) throws Exception {
        Long before = redis.opsForStream().size(stream);
        HttpResponse<String> r = api.post(path, body.bytes());
        assertThat(r.statusCode()).as("%s → %s %s", body, r.statusCode(), r.body()).isLessThan(500);
        if (body.surelyInvalid()) {
            assertThat(r.statusCode()).as("%s → %s", body, r.body()).isIn(400, 413);
            assertThat(r.headers().firstValue("Content-Type")).as(body.toString())
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        }
        if (r.statusCode() != 202) {
            assertThat(redis.opsForStream().size(stream)).as("published although answered %s: %s", r.statusCode(), body)
                    .isEqualTo(before);
        }
    }
}
