package dev.lto.intelligence.tradeoffs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** With the bootstrap off and no model, the service is healthy and predictions answer 503 problems. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "lto.models.bootstrap.enabled=false")
class NoModelIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-nomodel-test")::toString);
    }

    @LocalServerPort
    int port;

    private final TestHttp http = TestHttp.localhost(() -> port);

    @Test
    void healthyWithoutAModelAndPredictIsUnavailable() throws Exception {
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
        HttpResponse<String> r = http.post("/api/v1/tradeoffs/predict", "{\"na\": 0.33, \"dose_mj_cm2\": 30}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        JsonNode problem = JsonMapper.builder().build().readTree(r.body());
        assertThat(problem.path("type").asString()).isEqualTo("https://lto.dev/problems/unavailable");
        assertThat(http.get("/api/v1/models/performance").statusCode()).isEqualTo(503);
        JsonNode current = JsonMapper.builder().build().readTree(http.get("/api/v1/models/current").body());
        assertThat(current.path("status").asString()).isIn("NONE", "LOADING");
    }
}
