package dev.lto.ingestion.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.events.StreamNames;
import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backpressure at the edge against a real Redis: the backlog (unread entries of the submissions stream plus
 * the waiting jobs the orchestrator publishes) is driven over the bound and back, and the edge follows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.ingestion.backpressure.max-backlog=5",
        "lto.ingestion.backpressure.refresh=100ms",
        "lto.ingestion.backpressure.retry-after=7s"})
class BackpressureIntegrationTest {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.shared().registerSpringProperties(registry::add);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aBacklogAboveTheBoundIsRefusedWith503AndItsFiguresThenAcceptedOnceItDrains() throws Exception {
        TestRedis redis = TestRedis.shared();
        redis.command("DEL", StreamNames.JOBS_SUBMITTED, StreamNames.PIPELINE_BACKLOG_KEY);
        redis.command("XGROUP", "CREATE", StreamNames.JOBS_SUBMITTED, StreamNames.INTAKE_GROUP, "$", "MKSTREAM");

        // Nobody reads the stream: each accepted submission is one more entry of lag.
        for (int i = 0; i < 6; i++) {
            assertThat(post().statusCode()).isEqualTo(202);
        }
        HttpResponse<String> refused = await().atMost(Duration.ofSeconds(10)).until(this::post, r -> r.statusCode() == 503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/unavailable");
        assertThat(problem.get("stream_lag").asLong()).isEqualTo(6);
        assertThat(problem.get("backlog").asLong()).isEqualTo(6);
        assertThat(problem.get("max_backlog").asLong()).isEqualTo(5);
        assertThat(problem.get("job_id").asString()).matches("job_[0-9a-f]{8}");
        assertThat(problem.get("detail").asString()).contains("6 submissions waiting");
        assertThat((Long) redis.command("XLEN", StreamNames.JOBS_SUBMITTED)).as("a refused job is not published").isEqualTo(6);

        // The orchestrator reads them: the lag drains and the edge accepts again.
        redis.command("XREADGROUP", "GROUP", StreamNames.INTAKE_GROUP, "c", "COUNT", "100", "STREAMS", StreamNames.JOBS_SUBMITTED, ">");
        await().atMost(Duration.ofSeconds(10)).until(() -> post().statusCode() == 202);

        // ...but it stored them and has not dispatched them: the figure it publishes counts too.
        redis.command("SET", StreamNames.PIPELINE_BACKLOG_KEY, "{\"waiting_jobs\":9,\"queued_jobs\":4,\"at\":\"2026-12-03T14:00:00Z\"}");
        HttpResponse<String> again = await().atMost(Duration.ofSeconds(10)).until(this::post, r -> r.statusCode() == 503);
        JsonNode figures = json.readTree(again.body());
        assertThat(figures.get("waiting_jobs").asLong()).isEqualTo(9);
        assertThat(figures.get("queued_jobs").asLong()).isEqualTo(4);
        assertThat(figures.get("backlog").asLong()).isEqualTo(figures.get("stream_lag").asLong() + 9);

        redis.command("SET", StreamNames.PIPELINE_BACKLOG_KEY, "{\"waiting_jobs\":0,\"queued_jobs\":0,\"at\":\"2026-12-03T14:00:01Z\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> post().statusCode() == 202);
        redis.command("DEL", StreamNames.PIPELINE_BACKLOG_KEY);
    }

    private HttpResponse<String> post() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/submit")).header("X-API-Key", TestKeys.ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"na\":0.33,\"dose_mj_cm2\":30}")).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
