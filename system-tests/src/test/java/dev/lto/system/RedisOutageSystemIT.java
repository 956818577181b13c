package dev.lto.system;

import static dev.lto.system.SystemProbe.JSON;
import static dev.lto.system.SystemProbe.concat;
import static dev.lto.system.SystemProbe.getJson;
import static dev.lto.system.SystemProbe.post;
import static dev.lto.system.SystemProbe.readOnlyStore;
import static dev.lto.system.SystemProbe.single;
import static dev.lto.system.SystemProbe.stateOf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis killed with SIGKILL in the middle of a small campaign and started again on its AOF: the edge answers 503
 * while it is away, the workers keep their finished results in their outbox, and within 15 s of Redis returning
 * the pipeline moves again; in the end every job reached exactly one end state, none was lost or run twice to a
 * second end, every state event was published, and the log says what waited and why. Real processes, a real
 * redis-server of the test's own (with AOF, unlike the shared test Redis), a few dozen jobs so it fits CI on 2 cores.
 */
class RedisOutageSystemIT {

    private static final int JOBS = 36;
    private static final Set<String> END = Set.of("COMPLETED", "ANOMALY_FLAGGED", "BLOCKED", "REJECTED", "FAILED", "CANCELLED");

    static int redisPort;
    static Path redisDir;
    static Process redis;
    static Path dataDir;
    static ServiceProcess ingestion;
    static ServiceProcess intelligence;

    @BeforeAll
    static void startSystem() throws Exception {
        redisPort = ServiceProcess.freePort();
        redisDir = Files.createTempDirectory("lto-outage-redis-");
        startRedis();
        dataDir = Files.createTempDirectory("lto-outage-");
        List<String> common = List.of("--spring.data.redis.host=localhost", "--spring.data.redis.port=" + redisPort,
                "--spring.cloud.stream.redis.default.consumer.min-idle-time=3s",
                "--spring.cloud.stream.redis.default.consumer.reclaim-interval=1s");
        ingestion = new ServiceProcess("ingestion-service", common);
        intelligence = new ServiceProcess("intelligence-service", concat(common, "--lto.data-dir=" + dataDir,
                // The crash test's coarse physics: a job near 0.1 s.
                "--lto.simulator.physics.grid.max-mask-px=128", "--lto.simulator.physics.fem.focus-points=3",
                "--lto.simulator.physics.fem.dose-points=3", "--lto.simulator.physics.source.step-sigma=0.2",
                "--lto.simulator.physics.socs.max-kernels=8",
                "--lto.models.bootstrap.samples=30", "--lto.models.xgboost.trees=30", "--lto.models.mlp.max-epochs=30",
                "--lto.models.mlp.patience=5", "--lto.models.mlp.mc-passes=20", "--lto.models.gp.subset=30",
                "--lto.preflight.candidates=60", "--lto.pipeline.retry-delay=2s"));
        ingestion.start();
        intelligence.start();
        ingestion.awaitHealthy(Duration.ofMinutes(3));
        intelligence.awaitHealthy(Duration.ofMinutes(3));
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).until(() -> "READY".equals(modelStatus()));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (ServiceProcess p : new ServiceProcess[] {ingestion, intelligence}) {
            if (p != null) {
                p.close();
            }
        }
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void afterRedisIsKilledAndRestartedThePipelineMovesWithinSecondsAndNothingIsLostOrDoubled() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            ids.add(submit(i));
        }
        // Kill while jobs are in every stage: some finished, some running or queued.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> ended(ids) >= 4);
        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown, no final AOF rewrite
        long endedAtKill = ended(ids);

        // While Redis is away the edge answers 503 + Retry-After at once, and health answers within 2 s.
        HttpResponse<String> refused = await().atMost(Duration.ofSeconds(30)).until(
                () -> post(ingestion.baseUrl() + "/api/v1/jobs/submit", "{\"na\":0.33,\"dose_mj_cm2\":30}"), r -> r.statusCode() == 503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        long t = System.nanoTime();
        String health = SystemProbe.getRaw(intelligence.baseUrl() + "/actuator/health");
        assertThat(Duration.ofNanos(System.nanoTime() - t)).as("health answers in time while Redis is down").isLessThan(Duration.ofSeconds(3));
        assertThat(health).contains("DOWN");
        Thread.sleep(4000); // simulations finishing meanwhile have nowhere to publish

        startRedis();
        long back = System.nanoTime();
        // Moving again: a job reaches its end within 15 s of Redis returning.
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> ended(ids) > endedAtKill);
        double movedAfter = (System.nanoTime() - back) / 1e9;
        System.out.printf("Pipeline moving again %.1f s after Redis returned (%d of %d jobs had ended at the kill)%n",
                movedAfter, endedAtKill, JOBS);

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(() -> ended(ids) == JOBS);
        String log = Files.readString(intelligence.log());
        intelligence.stop();

        try (Connection db = readOnlyStore(dataDir)) {
            assertThat(single(db, "SELECT count(*) FROM simulation_jobs")).as("none lost").isEqualTo(JOBS);
            assertThat(single(db, "SELECT count(*) FROM simulation_jobs WHERE status NOT IN "
                    + "('COMPLETED','ANOMALY_FLAGGED','BLOCKED','REJECTED','FAILED','CANCELLED')")).as("jobs stuck").isZero();
            assertThat(single(db, """
                    SELECT count(*) FROM (SELECT job_id, count(*) AS n FROM job_state_history
                      WHERE to_state IN ('COMPLETED','ANOMALY_FLAGGED','BLOCKED','REJECTED','FAILED','CANCELLED')
                      GROUP BY job_id) WHERE n <> 1""")).as("jobs with other than one end").isZero();
            assertThat(single(db, "SELECT count(*) FROM (SELECT job_id FROM job_state_history GROUP BY job_id "
                    + "HAVING count(*) <> max(seq) OR min(seq) <> 1)")).as("broken histories").isZero();
            assertThat(single(db, "SELECT count(*) FROM job_state_history WHERE NOT published")).as("unpublished events").isZero();
            long evaluated = single(db, "SELECT count(*) FROM simulation_jobs WHERE status IN ('COMPLETED','ANOMALY_FLAGGED')");
            assertThat(single(db, "SELECT count(*) FROM simulation_results")).as("one result per evaluated job").isEqualTo(evaluated);
            assertThat(single(db, "SELECT count(*) FROM job_evaluations")).isEqualTo(evaluated);
        }
        // What waited and why is in the log.
        assertThat(log).containsAnyOf("kept in the worker outbox", "Dispatch paused since", "QUEUED wait for a slot",
                "State events not published yet");
        if (log.contains("kept in the worker outbox")) {
            assertThat(log).contains("Published").contains("held in the worker outbox");
        }
        System.out.println("What the log said: " + log.lines()
                .filter(l -> l.contains("worker outbox") || l.contains("Dispatch paused") || l.contains("Dispatching again")
                        || l.contains("wait for a slot") || l.contains("not published yet"))
                .map(l -> l.replaceAll("^.*?: ", "")).distinct().limit(8).collect(Collectors.joining(" | ")));
    }

    /** redis-server with AOF on the test's own directory and port (the same ones after the kill, as an operator would). */
    private static void startRedis() throws Exception {
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1", "--dir",
                redisDir.toString(), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File(redisDir.toFile(), "redis.log"))).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                s.getOutputStream().write("PING\r\n".getBytes());
                byte[] reply = new byte[7];
                return s.getInputStream().read(reply) > 0 && new String(reply).startsWith("+PONG");
            }
        });
    }

    private static String submit(int n) throws Exception {
        String body = "{\"na\":" + (0.33 + (n % 3) * 0.1) + ",\"wavelength_nm\":193,\"sigma\":0.7,\"grid_size_nm\":2"
                + ",\"dose_mj_cm2\":" + (10 + (n % 7) * 5) + ",\"job_class\":" + (1 + n % 8)
                + ",\"priority\":\"" + List.of("LOW", "NORMAL", "HIGH").get(n % 3) + "\",\"submitted_by\":\"outage-test\"}";
        HttpResponse<String> r = post(ingestion.baseUrl() + "/api/v1/jobs/submit", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("job_id").asString();
    }

    private static String modelStatus() {
        try {
            return getJson(intelligence.baseUrl() + "/api/v1/models/current").path("status").asString();
        } catch (Exception | AssertionError notYet) {
            return null;
        }
    }

    private static long ended(List<String> ids) {
        return ids.stream().map(id -> stateOf(intelligence, id)).filter(s -> s != null && END.contains(s)).count();
    }
}
