package dev.lto.ingestion.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The ingest edge against a real Redis: accepted data is on its stream in an envelope, bad data is a problem naming each field. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "lto.ingest.max-snapshots=5")
class IngestIntegrationTest {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.http.max-body-bytes", () -> 4096);
        registry.add("lto.http.max-body-bytes-by-path[/ingest/metrics]", () -> 16384);
    }

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    static String result(String jobId, String timestamp) {
        return """
                {"job_id":"%s","parameters":{"na":0.33,"dose_mj_cm2":30,"job_class":3},
                 "outputs":{"resolution_nm":10.2,"depth_of_focus_nm":62,"pattern_fidelity":0.91},
                 "tradeoff_signals":{"speed_vs_accuracy":0.8,"resolution_vs_dof":0.7,"cost_vs_fidelity":0.6,
                   "surrogate_reliability":0.9,"yield_risk":0.1,"overall_health":0.8},
                 "compute_stats":{"compute_time_s":12.5,"device":"gpu"},
                 "timestamp":"%s","simulator_version":"prolith-2024.1","adapter_type":"prolith"}""".formatted(jobId, timestamp);
    }

    static String snapshot(String jobId, String timestamp) {
        return """
                {"job_id":"%s","timestamp":"%s","adapter_type":"prolith","stage":"imaging","progress":0.5,"elapsed_s":3.2,
                 "gpu_utilization":0.7,"metrics":{"fft_per_s":1200}}""".formatted(jobId, timestamp);
    }

    static String waferYield(String jobId) {
        return """
                {"job_id":"%s","yield_fraction":0.93,"wafer_id":"W07","lot_id":"L2026-11","measured_at":"2026-11-26T08:00:00Z"}"""
                .formatted(jobId);
    }

    // --- /ingest/job

    @Test
    void aResultIsPublishedAsSimulationFinishedFromIngestAndAnswered202WithTheJob() throws Exception {
        double before = accepted("result");
        HttpResponse<String> r = http.post("/ingest/job", result("ext_job-1", "2026-11-26T10:00:00+00:00"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/jobs/ext_job-1");
        JsonNode receipt = json.readTree(r.body());
        assertThat(receipt.get("job_id").asString()).isEqualTo("ext_job-1");
        assertThat(receipt.get("event_id").asString()).isEqualTo("ext_job-1/result/2026-11-26T10:00:00Z");

        JsonNode envelope = onStream("lto.sim.results", "ext_job-1/result/2026-11-26T10:00:00Z").getFirst();
        assertThat(envelope.get("type").asString()).isEqualTo("simulation.finished");
        assertThat(envelope.get("key").asString()).isEqualTo("ext_job-1");
        JsonNode finished = envelope.get("payload");
        assertThat(finished.get("source").asString()).isEqualTo("ingest");
        assertThat(finished.get("worker").asString()).isEqualTo("ingest");
        assertThat(finished.has("attempt")).isFalse();
        assertThat(finished.has("error")).isFalse();
        assertThat(finished.get("finished_at").asString()).isNotBlank();
        assertThat(finished.at("/result/tradeoff_signals/yield_risk").asDouble()).isEqualTo(0.1);
        // The contract would invent a job id for parameters without one; the result's own id is used instead.
        assertThat(finished.at("/result/parameters/job_id").asString()).isEqualTo("ext_job-1");
        assertThat(finished.at("/result/parameters/job_class").asInt()).isEqualTo(3);
        assertThat(accepted("result")).isEqualTo(before + 1);
    }

    @Test
    void aRetriedResultCarriesTheSameEventIdAndAnotherResultOfTheJobAnotherOne() throws Exception {
        assertThat(http.post("/ingest/job", result("ext_job-2", "2026-11-26T10:00:00Z")).statusCode()).isEqualTo(202);
        assertThat(http.post("/ingest/job", result("ext_job-2", "2026-11-26T10:00:00.000Z")).statusCode()).isEqualTo(202);
        assertThat(http.post("/ingest/job", result("ext_job-2", "2026-11-26T11:00:00Z")).statusCode()).isEqualTo(202);
        List<String> ids = eventIds("lto.sim.results", "ext_job-2");
        assertThat(ids).containsExactly("ext_job-2/result/2026-11-26T10:00:00Z", "ext_job-2/result/2026-11-26T10:00:00Z",
                "ext_job-2/result/2026-11-26T11:00:00Z");
    }

    static Stream<Arguments> badResults() {
        String ok = result("ext_job-3", "2026-11-26T10:00:00Z");
        return Stream.of(
                Arguments.of("missing everything", "{}", Map.of("job_id", "NotBlank", "parameters", "required", "outputs", "required",
                        "tradeoff_signals", "required", "compute_stats", "required", "timestamp", "required",
                        "simulator_version", "NotBlank", "adapter_type", "NotBlank")),
                Arguments.of("nested out of range and wrong types", ok
                                .replace("\"na\":0.33", "\"na\":0.9").replace("\"yield_risk\":0.1", "\"yield_risk\":1.5")
                                .replace("\"pattern_fidelity\":0.91", "\"pattern_fidelity\":\"high\"")
                                .replace("\"compute_time_s\":12.5", "\"compute_time_s\":-1"),
                        Map.of("parameters.na", "DecimalMax", "tradeoff_signals.yield_risk", "DecimalMax",
                                "outputs.pattern_fidelity", "type", "compute_stats.compute_time_s", "PositiveOrZero")),
                Arguments.of("job id unusable as a key", ok.replace("\"job_id\":\"ext_job-3\"", "\"job_id\":\"a/b c\""),
                        Map.of("job_id", "Pattern")),
                Arguments.of("parameters name another job", ok.replace("\"na\":0.33", "\"job_id\":\"other\",\"na\":0.33"),
                        Map.of("parameters.job_id", "mismatch")),
                Arguments.of("unknown fields and missing signal", ok.replace("\"overall_health\":0.8", "\"health\":0.8")
                                .replace("\"adapter_type\":\"prolith\"", "\"adapter_type\":\"prolith\",\"extra\":1"),
                        Map.of("tradeoff_signals.health", "unknown", "tradeoff_signals.overall_health", "required", "extra", "unknown")),
                Arguments.of("timestamp not an instant", ok.replace("2026-11-26T10:00:00Z", "yesterday"), Map.of("timestamp", "type")),
                Arguments.of("not an object", "[]", Map.of("$", "type")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badResults")
    void aBadResultNamesEveryBadField(String name, String body, Map<String, String> expected) throws Exception {
        assertProblem(http.post("/ingest/job", body), expected);
    }

    // --- /ingest/metrics

    @Test
    void oneSnapshotOrAnArrayIsPublishedOneEventEach() throws Exception {
        double before = accepted("metric_snapshot");
        HttpResponse<String> single = http.post("/ingest/metrics", snapshot("ext_job-4", "2026-11-26T10:00:01Z"));
        assertThat(single.statusCode()).as(single.body()).isEqualTo(202);
        assertThat(json.readTree(single.body()).get("count").asInt()).isEqualTo(1);

        String batch = "[" + snapshot("ext_job-4", "2026-11-26T10:00:02Z") + "," + snapshot("ext_job-5", "2026-11-26T10:00:02Z")
                + "," + snapshot("ext_job-4", "2026-11-26T10:00:03Z") + "]";
        HttpResponse<String> r = http.post("/ingest/metrics", batch);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode receipt = json.readTree(r.body());
        assertThat(receipt.get("count").asInt()).isEqualTo(3);
        assertThat(receipt.get("job_ids").valueStream().map(JsonNode::asString)).containsExactly("ext_job-4", "ext_job-5");

        assertThat(eventIds("lto.ingest.metrics", "ext_job-4")).containsExactly("ext_job-4/progress/2026-11-26T10:00:01Z",
                "ext_job-4/progress/2026-11-26T10:00:02Z", "ext_job-4/progress/2026-11-26T10:00:03Z");
        JsonNode envelope = onStream("lto.ingest.metrics", "ext_job-5/progress/2026-11-26T10:00:02Z").getFirst();
        assertThat(envelope.get("type").asString()).isEqualTo("simulation.progress");
        assertThat(envelope.at("/payload/metrics/fft_per_s").asDouble()).isEqualTo(1200);
        assertThat(accepted("metric_snapshot")).isEqualTo(before + 4);
    }

    @Test
    void aBadBatchNamesEveryBadFieldOfEveryElementAndPublishesNothing() throws Exception {
        String batch = "[" + snapshot("ext_job-6", "2026-11-26T10:00:00Z") + ","
                + snapshot("ext_job-6", "2026-11-26T10:00:01Z").replace("\"progress\":0.5", "\"progress\":1.2") + ","
                + snapshot("ext job", "2026-11-26T10:00:02Z").replace("\"stage\":\"imaging\",", "") + ",42]";
        assertProblem(http.post("/ingest/metrics", batch), Map.of("[1].progress", "DecimalMax", "[2].job_id", "Pattern",
                "[2].stage", "NotBlank", "[3]", "type"));
        assertThat(eventIds("lto.ingest.metrics", "ext_job-6")).isEmpty();

        assertProblem(http.post("/ingest/metrics", snapshot("ext_job-6", "2026-11-26T10:00:00Z").replace("\"elapsed_s\":3.2", "\"elapsed_s\":-3")),
                Map.of("elapsed_s", "PositiveOrZero"));
        assertProblem(http.post("/ingest/metrics", "[]"), Map.of("$", "Size"));
        String six = IntStream.range(0, 6).mapToObj(i -> snapshot("ext_job-6", "2026-11-26T10:00:0" + i + "Z"))
                .collect(Collectors.joining(",", "[", "]"));
        assertProblem(http.post("/ingest/metrics", six), Map.of("$", "Size"));
        assertProblem(http.post("/ingest/metrics", "\"snapshot\""), Map.of("$", "type"));
    }

    // --- /ingest/yield

    @Test
    void aYieldIsPublishedAsYieldMeasured() throws Exception {
        double before = accepted("wafer_yield");
        HttpResponse<String> r = http.post("/ingest/yield", waferYield("ext_job-7"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode receipt = json.readTree(r.body());
        assertThat(receipt.get("event_id").asString()).isEqualTo("ext_job-7/yield/2026-11-26T08:00:00Z/W07");
        assertThat(receipt.at("/links/job").asString()).isEqualTo("/api/v1/jobs/ext_job-7");
        JsonNode envelope = onStream("lto.ingest.yield", "ext_job-7/yield/2026-11-26T08:00:00Z/W07").getFirst();
        assertThat(envelope.get("type").asString()).isEqualTo("yield.measured");
        assertThat(envelope.at("/payload/yield_fraction").asDouble()).isEqualTo(0.93);
        assertThat(accepted("wafer_yield")).isEqualTo(before + 1);
    }

    @Test
    void aBadYieldNamesEveryBadField() throws Exception {
        assertProblem(http.post("/ingest/yield", "{\"job_id\":\"\",\"yield_fraction\":1.01,\"wafer\":\"W1\"}"),
                Map.of("job_id", "NotBlank", "yield_fraction", "DecimalMax", "wafer", "unknown", "measured_at", "required"));
        assertProblem(http.post("/ingest/yield", "{\"job_id\":7,\"yield_fraction\":\"93%\",\"measured_at\":\"2026-11-26T08:00:00Z\"}"),
                Map.of("job_id", "type", "yield_fraction", "type"));
    }

    // --- shared edge behaviour

    @Test
    void malformedJsonIsAProblemOnEveryEndpoint() throws Exception {
        for (String path : List.of("/ingest/job", "/ingest/metrics", "/ingest/yield")) {
            HttpResponse<String> r = http.post(path, "{\"job_id\": \"x\",");
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(json.readTree(r.body()).get("type").asString()).as(path).isEqualTo("https://lto.dev/problems/malformed-json");
            assertThat(http.post(path, "").statusCode()).as(path).isEqualTo(400);
        }
    }

    @Test
    void bodiesOverTheLimitAre413AndTheMetricsBatchHasItsOwnLimit() throws Exception {
        String padded = result("ext_job-8", "2026-11-26T10:00:00Z")
                .replace("\"job_class\":3", "\"job_class\":3,\"metadata\":{\"note\":\"" + "x".repeat(5000) + "\"}");
        HttpResponse<String> r = http.post("/ingest/job", padded);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(http.post("/ingest/yield", waferYield("ext_job-8").replace("\"W07\"", "\"" + "W".repeat(5000) + "\"")).statusCode()).isEqualTo(413);

        // Over the 4 KiB default but under the metrics path's 16 KiB: taken.
        // (Padded with metrics: a string field is bounded to 256 characters, docs/api.md.)
        String manyMetrics = IntStream.range(0, 400).mapToObj(i -> "\"metric_" + i + "\":" + i).collect(Collectors.joining(","));
        String wide = snapshot("ext_job-8", "2026-11-26T10:00:00Z").replace("{\"fft_per_s\":1200}", "{" + manyMetrics + "}");
        assertThat(wide.length()).isGreaterThan(4096);
        assertThat(http.post("/ingest/metrics", wide).statusCode()).isEqualTo(202);
        String tooWide = snapshot("ext_job-8", "2026-11-26T10:00:00Z").replace("\"stage\":\"imaging\"", "\"stage\":\"" + "s".repeat(17000) + "\"");
        assertThat(http.post("/ingest/metrics", tooWide).statusCode()).isEqualTo(413);
    }

    @Test
    void whenRedisIsDownEveryEndpointAnswers503WithRetryAfterAndWhatToRetry() throws Exception {
        TestRedis shared = TestRedis.shared();
        shared.stop();
        try {
            HttpResponse<String> job = http.post("/ingest/job", result("ext_job-9", "2026-11-26T10:00:00Z"));
            assertUnavailable(job);
            assertThat(json.readTree(job.body()).get("event_id").asString()).isEqualTo("ext_job-9/result/2026-11-26T10:00:00Z");

            HttpResponse<String> metrics = http.post("/ingest/metrics", "[" + snapshot("ext_job-9", "2026-11-26T10:00:00Z") + "]");
            assertUnavailable(metrics);
            assertThat(json.readTree(metrics.body()).get("confirmed").asInt()).isZero();
            assertThat(json.readTree(metrics.body()).get("count").asInt()).isEqualTo(1);

            HttpResponse<String> yield = http.post("/ingest/yield", waferYield("ext_job-9"));
            assertUnavailable(yield);
            assertThat(json.readTree(yield.body()).get("job_id").asString()).isEqualTo("ext_job-9");
        } finally {
            shared.start();
        }
        assertThat(http.post("/ingest/yield", waferYield("ext_job-9")).statusCode()).isEqualTo(202);
    }

    private void assertUnavailable(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(r.body()).get("type").asString()).isEqualTo("https://lto.dev/problems/unavailable");
    }

    private void assertProblem(HttpResponse<String> r, Map<String, String> expected) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/invalid-request");
        Map<String, String> found = new HashMap<>();
        problem.get("errors").forEach(e -> found.put(e.get("field").asString(), e.get("constraint").asString()));
        assertThat(found).as(r.body()).isEqualTo(expected);
    }

    private double accepted(String kind) {
        var counter = meters.find("lto.ingest.accepted").tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Envelopes on a stream whose event id is {@code eventId}, in stream order. */
    private List<JsonNode> onStream(String stream, String eventId) {
        return envelopes(stream).filter(e -> e.get("event_id").asString().equals(eventId)).toList();
    }

    private List<String> eventIds(String stream, String jobId) {
        return envelopes(stream).filter(e -> e.get("key").asString().equals(jobId)).map(e -> e.get("event_id").asString()).toList();
    }

    private Stream<JsonNode> envelopes(String stream) {
        if (!Boolean.TRUE.equals(redis.hasKey(stream))) {
            return Stream.empty();
        }
        return redis.opsForStream().read(StreamOffset.fromStart(stream)).stream()
                .map(e -> json.readTree((String) e.getValue().get("payload")));
    }

}
