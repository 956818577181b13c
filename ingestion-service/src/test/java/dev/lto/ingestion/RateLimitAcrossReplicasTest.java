package dev.lto.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two ingestion-service instances against one Redis, as two replicas behind a load balancer: a caller's submissions
 * draw on one budget whichever instance takes them. No authentication here, so the caller is the client address
 * (127.0.0.1 for both instances).
 */
class RateLimitAcrossReplicasTest {

    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

    @BeforeAll
    static void start() {
        for (int i = 0; i < 2; i++) {
            // Command-line arguments: they take precedence over application.yml (server.port there is 8081).
            List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
                    // 5 at once, then one a minute: the sixth submission within the test is refused.
                    "--lto.rate-limit.classes.submit.capacity=5", "--lto.rate-limit.classes.submit.tokens=1",
                    "--lto.rate-limit.classes.submit.period=60s"));
            Stream.of(TestRedis.shared().springProperties()).map(p -> "--" + p).forEach(args::add);
            replicas.add(new SpringApplicationBuilder(IngestionApplication.class).run(args.toArray(String[]::new)));
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(ConfigurableApplicationContext::close);
    }

    private static TestHttp http(int replica) {
        return TestHttp.localhost(() -> ((WebServerApplicationContext) replicas.get(replica)).getWebServer().getPort());
    }

    @Test
    void twoInstancesShareOneBudgetAndRefuseWith429() throws Exception {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(http(i % 2).post("/api/v1/jobs/submit", "{\"na\":0.33,\"dose_mj_cm2\":30}"));
        }
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(202, 202, 202, 202, 202, 429, 429, 429);
        HttpResponse<String> refused = answers.get(5);
        // One token a minute, the first spent moments ago: about 60 s to wait, rounded up.
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(55L, 60L);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        JsonNode problem = JsonMapper.builder().build().readTree(refused.body());
        assertThat(problem.path("type").asString()).isEqualTo("https://lto.dev/problems/rate-limited");
        assertThat(problem.path("endpoint_class").asString()).isEqualTo("submit");

        // Other classes keep their budget, health and scrapes are never limited, and each replica counted its 429s.
        for (int replica = 0; replica < 2; replica++) {
            assertThat(http(replica).post("/ingest/job", "{}").statusCode()).as("the submit class's budget is spent").isEqualTo(429);
            assertThat(http(replica).get("/api/v1/nothing-here").statusCode()).as("reads keep their budget").isNotEqualTo(429);
            assertThat(http(replica).get("/actuator/health").statusCode()).isEqualTo(200);
            String metrics = http(replica).get("/actuator/prometheus").body();
            assertThat(Stream.of(metrics.split("\n")).filter(l -> l.startsWith("lto_rate_limit_rejected_total{"))
                    .filter(l -> l.contains("endpoint_class=\"submit\"") && l.contains("role=\"admin\"")))
                    .as("replica %d's rejected counter", replica).isNotEmpty();
        }
    }
}
