package dev.lto.system;

import static dev.lto.system.SystemProbe.JSON;
import static dev.lto.system.SystemProbe.concat;
import static dev.lto.system.SystemProbe.distinctStateEvents;
import static dev.lto.system.SystemProbe.getJson;
import static dev.lto.system.SystemProbe.post;
import static dev.lto.system.SystemProbe.readOnlyStore;
import static dev.lto.system.SystemProbe.single;
import static dev.lto.system.SystemProbe.stateOf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The three services as real processes on a real redis-server: 500 submissions arrive in DuckDB
 * exactly once each with their full history, even though the intelligence process is killed with
 * SIGKILL mid-stream and started again.
 */
class JobIntakeSystemIT {

    private static final int JOBS = 500;

    static TestRedis redis;
    static Path dataDir;
    static ServiceProcess ingestion;
    static ServiceProcess intelligence;
    static ServiceProcess action;

    @BeforeAll
    static void startSystem() throws Exception {
        redis = TestRedis.shared();
        redis.flushAll();
        dataDir = Files.createTempDirectory("lto-system-");
        List<String> common = List.of("--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
                // Short reclaim idle time: the restarted consumer takes over the killed one's pending entries quickly.
                "--spring.cloud.stream.redis.default.consumer.min-idle-time=3s",
                "--spring.cloud.stream.redis.default.consumer.reclaim-interval=1s");
        ingestion = new ServiceProcess("ingestion-service", common);
        // No model bootstrap here: this test is about intake, and a training campaign would compete for the CPU.
        intelligence = new ServiceProcess("intelligence-service", concat(common, "--lto.data-dir=" + dataDir,
                "--lto.models.bootstrap.enabled=false"));
        action = new ServiceProcess("action-service", concat(common, "--lto.data-dir=" + dataDir,
                "--lto.action.health.services.ingestion-service=" + ingestion.baseUrl(),
                "--lto.action.health.services.intelligence-service=" + intelligence.baseUrl()));
        ingestion.start();
        intelligence.start();
        action.start();
        Duration startup = Duration.ofMinutes(3);
        ingestion.awaitHealthy(startup);
        intelligence.awaitHealthy(startup);
        action.awaitHealthy(startup);
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (ServiceProcess p : new ServiceProcess[] {ingestion, intelligence, action}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void everySubmissionIsStoredOnceWithItsHistoryAcrossACrash() throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicInteger accepted = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                sent.add(pool.submit(() -> {
                    // Classes 1-19: class 20 (dense lines at k1 0.25) needs σ = 1 and would be REJECTED by the
                    // physical checks; this test is about intake, every job must wait in PREFLIGHT.
                    String body = "{\"na\":" + (0.2 + (n % 30) * 0.01) + ",\"dose_mj_cm2\":" + (10 + n % 50)
                            + ",\"job_class\":" + (1 + n % 19) + ",\"submitted_by\":\"system-test\"}";
                    HttpResponse<String> r = post(ingestion.baseUrl() + "/api/v1/jobs/submit", body);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    ids.add(JSON.readTree(r.body()).get("job_id").asString());
                    accepted.incrementAndGet();
                    return null;
                }));
                if (i == JOBS / 3) {
                    // Kill the consumer while it is working through the stream.
                    await().atMost(Duration.ofMinutes(2)).until(() -> entriesRead() >= 50);
                    intelligence.kill();
                }
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        assertThat(ids).hasSize(JOBS);
        long readBeforeRestart = entriesRead();
        assertThat(readBeforeRestart).as("the consumer died mid-stream").isLessThan(JOBS);

        // A new consumer name: the dead consumer's pending entries must be reclaimed (XAUTOCLAIM), not re-read.
        intelligence.start("--spring.cloud.stream.redis.binder.consumer-name=intelligence-restarted").awaitHealthy(Duration.ofMinutes(3));

        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2))
                .until(() -> ids.stream().allMatch(id -> "PREFLIGHT".equals(stateOf(intelligence, id))));

        for (String id : ids) {
            JsonNode job = getJson(intelligence.baseUrl() + "/api/v1/jobs/" + id);
            List<String> states = new ArrayList<>();
            List<Integer> sequences = new ArrayList<>();
            List<Instant> times = new ArrayList<>();
            job.get("history").forEach(h -> {
                states.add(h.get("to").asString());
                sequences.add(h.get("sequence").asInt());
                times.add(Instant.parse(h.get("at").asString()));
            });
            assertThat(states).as(id).containsExactly("SUBMITTED", "VALIDATING", "PREFLIGHT");
            assertThat(sequences).as(id).containsExactly(1, 2, 3);
            assertThat(times).as(id).isSorted();
            assertThat(job.at("/parameters/submitted_by").asString()).isEqualTo("system-test");
        }

        // Every state event reached lto.events (at least once; consumers deduplicate on event id), and the
        // action layer saw every job reach PREFLIGHT, with no dead letters anywhere.
        await().atMost(Duration.ofSeconds(30)).until(() -> distinctStateEvents(redis) == 3L * JOBS);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() ->
                getJson(action.baseUrl() + "/api/v1/health/components").toString().contains("\"PREFLIGHT\":" + JOBS));
        JsonNode components = getJson(action.baseUrl() + "/api/v1/health/components");
        components.get("components").forEach(c -> {
            if (c.get("kind").asString().equals("stream")) {
                assertThat(c.at("/data/dlq_length").asLong()).as(c.get("name").asString()).isZero();
            }
        });
        assertThat(getJson(action.baseUrl() + "/api/v1/health").get("status").asString()).isIn("UP", "DEGRADED");

        // No duplicates, read from the store itself once its one writer has stopped.
        intelligence.stop();
        try (Connection db = readOnlyStore(dataDir)) {
            assertThat(single(db, "SELECT count(*) FROM simulation_jobs")).isEqualTo(JOBS);
            assertThat(single(db, "SELECT count(*) FROM job_state_history")).isEqualTo(3L * JOBS);
            assertThat(single(db, "SELECT count(*) FROM job_submissions")).isEqualTo(JOBS);
            assertThat(single(db, "SELECT count(*) FROM job_state_history WHERE NOT published")).isZero();
        }
    }

    /** XINFO GROUPS' entries-read of the intelligence group: how far the consumer got. */
    private static long entriesRead() {
        if (!(redis.command("EXISTS", "lto.jobs.submitted") instanceof Long n) || n == 0) {
            return 0;
        }
        for (Object group : (List<?>) redis.command("XINFO", "GROUPS", "lto.jobs.submitted")) {
            List<?> fields = (List<?>) group;
            if ("intelligence".equals(fields.get(fields.indexOf("name") + 1))) {
                Object read = fields.get(fields.indexOf("entries-read") + 1);
                return read instanceof Long l ? l : 0;
            }
        }
        return 0;
    }
}
