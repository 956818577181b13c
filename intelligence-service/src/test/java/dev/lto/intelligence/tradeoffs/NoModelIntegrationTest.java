package dev.lto.intelligence.tradeoffs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthyWithoutAModelAndPredictIsUnavailable() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/health")).GET()).statusCode()).isEqualTo(200);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/tradeoffs/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"na\": 0.33, \"dose_mj_cm2\": 30}")));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        JsonNode problem = JsonMapper.builder().build().readTree(r.body());
        assertThat(problem.path("type").asString()).isEqualTo("https://lto.dev/problems/unavailable");
        assertThat(send(HttpRequest.newBuilder(uri("/api/v1/models/performance")).GET()).statusCode()).isEqualTo(503);
        JsonNode current = JsonMapper.builder().build().readTree(send(HttpRequest.newBuilder(uri("/api/v1/models/current")).GET()).body());
        assertThat(current.path("status").asString()).isIn("NONE", "LOADING");
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
