package dev.lto.ingestion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The submission edge against a real Redis: what is accepted is on the stream, what is not gets a problem. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JobSubmissionIntegrationTest {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.http.max-body-bytes", () -> 4096);
    }

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void acceptedSubmissionIsPublishedAndAnswered202WithLocation() throws Exception {
        HttpResponse<String> r = post("{\"na\":0.33,\"dose_mj_cm2\":30,\"job_class\":4,\"priority\":\"HIGH\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = json.readTree(r.body());
        String id = body.get("job_id").asString();
        assertThat(id).matches("job_[0-9a-f]{8}");
        assertThat(body.get("state").asString()).isEqualTo("SUBMITTED");
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/jobs/" + id);

        List<MapRecord<String, Object, Object>> entries = redis.opsForStream().read(StreamOffset.fromStart("lto.jobs.submitted"));
        assertThat(entries).anySatisfy(e -> assertThat(e.getValue().values().toString()).contains(id));
    }

    /** The submission event carries the key's owner, not the body's submitted_by: who may cancel the job (docs/security.md). */
    @Test
    void theEventRecordsTheSubmittingKeysOwner() throws Exception {
        HttpResponse<String> r = post(TestKeys.SUBMITTER, "{\"job_id\":\"job_cafe0002\",\"na\":0.33,\"dose_mj_cm2\":30,\"submitted_by\":\"mallory\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(submittedEvent("job_cafe0002").at("/payload/key_owner").asString()).isEqualTo(TestKeys.ownerOf("submitter"));
        assertThat(submittedEvent("job_cafe0002").at("/payload/parameters/submitted_by").asString()).isEqualTo("mallory");
    }

    private JsonNode submittedEvent(String jobId) {
        return redis.opsForStream().read(StreamOffset.fromStart("lto.jobs.submitted")).stream()
                .map(e -> json.readTree(String.valueOf(e.getValue().get("payload"))))
                .filter(n -> jobId.equals(n.at("/payload/parameters/job_id").asString()))
                .findFirst().orElseThrow();
    }

    @Test
    void clientChosenIdIsKept() throws Exception {
        HttpResponse<String> r = post("{\"job_id\":\"job_cafe0001\",\"na\":0.5,\"dose_mj_cm2\":40}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/jobs/job_cafe0001");
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("missing required", "{}", Map.of("na", "required", "dose_mj_cm2", "required")),
                Arguments.of("out of range", "{\"na\":0.56,\"dose_mj_cm2\":0.5,\"sigma\":0,\"job_class\":21}",
                        Map.of("na", "DecimalMax", "dose_mj_cm2", "DecimalMin", "sigma", "DecimalMin", "job_class", "Max")),
                Arguments.of("wrong types", "{\"na\":\"high\",\"dose_mj_cm2\":[30],\"use_ai_surrogate\":\"yes\",\"job_class\":1.5}",
                        Map.of("na", "type", "dose_mj_cm2", "type", "use_ai_surrogate", "type", "job_class", "type")),
                Arguments.of("unknown enum", "{\"na\":0.33,\"dose_mj_cm2\":30,\"pattern_complexity\":\"INSANE\",\"priority\":\"URGENT\"}",
                        Map.of("pattern_complexity", "enum", "priority", "enum")),
                Arguments.of("NaN as string", "{\"na\":\"NaN\",\"dose_mj_cm2\":\"Infinity\"}", Map.of("na", "type", "dose_mj_cm2", "type")),
                Arguments.of("huge number is infinite", "{\"na\":0.33,\"dose_mj_cm2\":1e400}", Map.of("dose_mj_cm2", "finite")),
                Arguments.of("explicit null is not a default", "{\"na\":0.33,\"dose_mj_cm2\":30,\"sigma\":null}", Map.of("sigma", "null")),
                Arguments.of("unknown field", "{\"na\":0.33,\"dose_mj_cm2\":30,\"sigam\":0.5}", Map.of("sigam", "unknown")),
                Arguments.of("type and range together", "{\"na\":\"x\",\"dose_mj_cm2\":500}", Map.of("na", "type", "dose_mj_cm2", "DecimalMax")),
                Arguments.of("not an object", "[1,2,3]", Map.of("$", "type")),
                Arguments.of("null body", "null", Map.of("$", "type")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputNamesEveryViolatedFieldAndItsConstraint(String name, String body, Map<String, String> expected) throws Exception {
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/invalid-request");
        Map<String, String> found = new java.util.HashMap<>();
        problem.get("errors").forEach(e -> found.put(e.get("field").asString(), e.get("constraint").asString()));
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void malformedJsonIsAProblemWithItsPosition() throws Exception {
        HttpResponse<String> r = post("{\"na\": 0.33, \"dose_mj_cm2\": NaN}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("malformed-json");
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/malformed-json");
        assertThat(problem.get("detail").asString()).contains("line 1");

        assertThat(post("{\"na\": 0.33,").statusCode()).isEqualTo(400);
        assertThat(post("").statusCode()).isEqualTo(400);
    }

    @Test
    void oversizedBodiesAreRejectedWith413() throws Exception {
        String big = "{\"na\":0.33,\"dose_mj_cm2\":30,\"metadata\":{\"note\":\"" + "x".repeat(5000) + "\"}}";
        HttpResponse<String> r = post(big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));

        // Chunked (no Content-Length): counted while read.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/submit")).header("X-API-Key", TestKeys.ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
                .build();
        assertThat(http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);
    }

    @Test
    void wrongContentTypeIs415Problem() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/submit")).header("X-API-Key", TestKeys.ADMIN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("na=0.33")).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void whenRedisIsDownTheSubmissionIsRefusedWith503AndRetryAfter() throws Exception {
        TestRedis redis = TestRedis.shared();
        redis.stop();
        try {
            HttpResponse<String> r = post("{\"na\":0.33,\"dose_mj_cm2\":30}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            JsonNode problem = json.readTree(r.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/unavailable");
            assertThat(problem.get("job_id").asString()).matches("job_[0-9a-f]{8}");
        } finally {
            redis.start();
        }
        assertThat(post("{\"na\":0.33,\"dose_mj_cm2\":30}").statusCode()).isEqualTo(202);
    }

    /** Random mutations of a valid body: every answer is 202 or a 4xx problem, never a 5xx. */
    @Test
    void noBadInputEverCausesA5xx() throws Exception {
        Random random = new Random(42);
        String[] fields = {"job_id", "na", "wavelength_nm", "dose_mj_cm2", "sigma", "resist_thickness_nm", "grid_size_nm",
                "pattern_complexity", "use_ai_surrogate", "job_class", "priority", "constraint_profile", "submitted_by", "metadata", "extra"};
        String[] values = {"null", "true", "-1", "0", "1e308", "-1e400", "0.33", "\"\"", "\"NaN\"", "\"MODERATE\"", "[]", "{}",
                "{\"a\":null}", "\"job_ok\"", "\"../x\"", "12345678901234567890", "\"" + "y".repeat(200) + "\""};
        for (int i = 0; i < 150; i++) {
            StringBuilder b = new StringBuilder("{\"na\":0.33,\"dose_mj_cm2\":30");
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                b.append(",\"").append(fields[random.nextInt(fields.length)]).append("\":").append(values[random.nextInt(values.length)]);
            }
            String body = b.append('}').toString();
            HttpResponse<String> r = post(body);
            assertThat(r.statusCode()).as(body).isIn(202, 400);
            if (r.statusCode() == 400) {
                assertThat(r.headers().firstValue("Content-Type")).as(body).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            }
        }
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(TestKeys.ADMIN, body);
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/submit")).header("X-API-Key", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
