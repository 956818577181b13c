package dev.lto.intelligence.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.WaferYield;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Ingested metrics and yields from real Redis streams into DuckDB, once each, readable through the public API. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.models.bootstrap.enabled=false",
        "spring.cloud.stream.redis.default.consumer.min-idle-time=1s",
        "spring.cloud.stream.redis.default.consumer.reclaim-interval=500ms",
        "spring.cloud.stream.redis.bindings.ingestYield-in-0.consumer.max-deliveries=2"})
class IngestIntakeIntegrationTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-ingest-test")::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    WaferYields yields;

    @Autowired
    MetricSnapshots snapshots;

    @Autowired
    MeterRegistry meters;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    static final Instant T = Instant.parse("2026-11-26T08:00:00Z");

    private static EventEnvelope<WaferYield> yieldEvent(String eventId, WaferYield y) {
        return new EventEnvelope<>(eventId, EventTypes.YIELD_MEASURED, 1, Instant.now(), y.jobId(), "test", Map.of(), y);
    }

    private static EventEnvelope<MetricSnapshot> snapshotEvent(MetricSnapshot s) {
        return new EventEnvelope<>(s.jobId() + "/progress/" + s.timestamp(), EventTypes.SIMULATION_PROGRESS, 1, Instant.now(),
                s.jobId(), "test", Map.of(), s);
    }

    private long rows(String table, String jobId) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE job_id = ?").param(jobId).query(Long.class).single();
    }

    @Test
    void snapshotsAreStoredOnceEachAndReadBackInTimeOrder() {
        MetricSnapshot late = new MetricSnapshot("ing_job_1", T.plusSeconds(20), "prolith", "resist", 0.9, 20.0, 0.5, 1L << 30,
                Map.of("fft_per_s", 1200.0));
        MetricSnapshot early = new MetricSnapshot("ing_job_1", T.plusSeconds(10), "prolith", "imaging", 0.4, 10.0, null, null, null);
        double before = stored("metric_snapshot");
        publisher.publish("lto.ingest.metrics", snapshotEvent(late));
        publisher.publish("lto.ingest.metrics", snapshotEvent(early));
        publisher.publish("lto.ingest.metrics", snapshotEvent(late)); // a client retry: same event id
        MetricSnapshot marker = new MetricSnapshot("ing_job_marker", T, "prolith", "imaging", 0.1, 1.0, null, null, null);
        publisher.publish("lto.ingest.metrics", snapshotEvent(marker));
        await().atMost(Duration.ofSeconds(20)).until(() -> rows("metric_snapshots", "ing_job_marker") == 1);

        assertThat(rows("metric_snapshots", "ing_job_1")).isEqualTo(2);
        assertThat(snapshots.snapshotsFor("ing_job_1")).containsExactly(early, late);
        assertThat(snapshots.snapshotsFor("ing_job_unknown")).isEmpty();
        assertThat(stored("metric_snapshot")).isEqualTo(before + 3);
    }

    @Test
    void aYieldForAnUnknownJobIsStoredAndJoinsTheJobWhenItArrives() throws Exception {
        WaferYield first = new WaferYield("ing_job_2", 0.91, "W01", "L1", T);
        WaferYield latest = new WaferYield("ing_job_2", 0.87, "W02", "L1", T.plusSeconds(3600));
        // Received out of order: "latest" is by measurement time, not arrival.
        publisher.publish("lto.ingest.yield", yieldEvent("ing_job_2/yield/b", latest));
        publisher.publish("lto.ingest.yield", yieldEvent("ing_job_2/yield/a", first));
        publisher.publish("lto.ingest.yield", yieldEvent("ing_job_2/yield/a", first)); // redelivered
        publisher.publish("lto.ingest.yield", yieldEvent("ing_job_marker/yield", new WaferYield("ing_job_marker", 0.5, null, null, T)));
        // Handled in stream order, so once the marker is stored the duplicate has been handled too.
        await().atMost(Duration.ofSeconds(20)).until(() -> rows("wafer_yields", "ing_job_marker") == 1);
        assertThat(rows("wafer_yields", "ing_job_2")).isEqualTo(2);
        assertThat(yields.latestFor("ing_job_2")).contains(latest);
        assertThat(yields.allFor("ing_job_2")).containsExactly(first, latest);
        assertThat(yields.latestFor(java.util.List.of("ing_job_2", "ing_job_none"))).containsOnlyKeys("ing_job_2");
        assertThat(rows("simulation_jobs", "ing_job_2")).isZero();
        JsonNode before = history("ing_job_2");
        assertThat(before.get("total").asLong()).isZero();

        // The job arrives later (as the orchestrator would store it): the yield now shows with it.
        jdbc.sql("INSERT INTO simulation_jobs (job_id, submitted_at, status, adapter_type, job_class) VALUES (?, ?, 'COMPLETED', 'prolith', 4)")
                .params("ing_job_2", LocalDateTime.ofInstant(T.minusSeconds(7200), ZoneOffset.UTC)).update();
        JsonNode after = history("ing_job_2");
        assertThat(after.get("total").asLong()).isEqualTo(1);
        assertThat(after.at("/items/0/measured_yield/yield_fraction").asDouble()).isEqualTo(0.87);
        assertThat(after.at("/items/0/measured_yield/wafer_id").asString()).isEqualTo("W02");
    }

    @Test
    void aYieldThatBreaksTheContractIsDeadLetteredWithTheReasonAndDoesNotBlockTheStream() {
        WaferYield bad = new WaferYield("ing_job_3", 1.7, null, null, T);
        publisher.publish("lto.ingest.yield", yieldEvent("ing_job_3/yield/bad", bad));
        WaferYield good = new WaferYield("ing_job_4", 0.5, null, null, T);
        publisher.publish("lto.ingest.yield", yieldEvent("ing_job_4/yield/good", good));
        await().atMost(Duration.ofSeconds(20)).until(() -> yields.latestFor("ing_job_4").isPresent());
        await().atMost(Duration.ofSeconds(30)).until(() -> (Long) TestRedis.shared().command("XLEN", "lto.ingest.yield.dlq") >= 1);
        assertThat(TestRedis.shared().command("XRANGE", "lto.ingest.yield.dlq", "-", "+").toString())
                .contains("ing_job_3").contains("yieldFraction");
        assertThat(rows("wafer_yields", "ing_job_3")).isZero();
    }

    private double stored(String kind) {
        var c = meters.find("lto.ingest.stored").tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }

    private JsonNode history(String jobId) throws Exception {
        // The history API has no job id filter; job_class 4 and adapter prolith single this job out in this test's store.
        HttpResponse<String> r = http.get("/api/v1/tradeoffs/history?job_class=4&adapter_type=prolith");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode page = json.readTree(r.body());
        page.get("items").forEach(item -> assertThat(item.get("job_id").asString()).isEqualTo(jobId));
        return page;
    }
}
