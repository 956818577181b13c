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
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash safety of the whole pipeline with real processes and a real redis-server: a 300-job
 * campaign runs through validation, preflight (a model bootstrapped on the physics simulator at a
 * coarse, fast setting), the gate, dispatch, the in-process CPU workers and evaluation; the process
 * holding the orchestrator and the workers is killed with SIGKILL in the middle and started again
 * under a new consumer name. Every job must reach an end state exactly once: no duplicate rows,
 * none stuck, every state event published; and the mix of end states must be the one the campaign is
 * built for (completed, blocked, rejected jobs, each kind where it belongs).
 */
class JobPipelineCrashSystemIT {

    private static final int JOBS = 300;
    /** Where the automatic pipeline ends: the terminal states and ANOMALY_FLAGGED (waiting for an engineer). */
    private static final Set<String> END = Set.of("COMPLETED", "ANOMALY_FLAGGED", "BLOCKED", "REJECTED", "FAILED", "CANCELLED");

    static TestRedis redis;
    static Path dataDir;
    static ServiceProcess ingestion;
    static ServiceProcess intelligence;

    @BeforeAll
    static void startSystem() throws Exception {
        redis = TestRedis.shared();
        redis.flushAll();
        dataDir = Files.createTempDirectory("lto-crash-");
        List<String> common = List.of("--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
                "--spring.cloud.stream.redis.default.consumer.min-idle-time=3s",
                "--spring.cloud.stream.redis.default.consumer.reclaim-interval=1s");
        ingestion = new ServiceProcess("ingestion-service", common);
        intelligence = new ServiceProcess("intelligence-service", concat(concat(common, "--lto.data-dir=" + dataDir),
                SystemProbe.FAST_PIPELINE.toArray(String[]::new)));
        ingestion.start();
        intelligence.start();
        ingestion.awaitHealthy(Duration.ofMinutes(3));
        intelligence.awaitHealthy(Duration.ofMinutes(3));
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).until(() ->
                "READY".equals(modelStatus()));
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (ServiceProcess p : new ServiceProcess[] {ingestion, intelligence}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void everyJobReachesAnEndStateExactlyOnceAcrossAKill() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> blockable = new ArrayList<>();
        List<String> pointless = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            ids.add(submit(i));
            (isBlockable(i) ? blockable : isPointless(i) ? pointless : new ArrayList<String>()).add(ids.getLast());
            if (i == JOBS / 3) {
                // Kill while jobs are in every stage: wait until some have finished and some run.
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ids.stream().limit(40).filter(JobPipelineCrashSystemIT::ended).count() >= 10);
                intelligence.kill();
            }
        }
        intelligence.start("--spring.cloud.stream.redis.binder.consumer-name=intelligence-restarted").awaitHealthy(Duration.ofMinutes(3));

        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(3))
                .until(() -> ids.stream().allMatch(JobPipelineCrashSystemIT::ended));
        // The outbox catches up within a sweep; every state change is on lto.events.
        intelligence.stop();

        try (Connection db = readOnlyStore(dataDir)) {
            assertThat(single(db, "SELECT count(*) FROM simulation_jobs")).isEqualTo(JOBS);
            assertThat(single(db, "SELECT count(*) FROM simulation_jobs WHERE status NOT IN "
                    + "('COMPLETED','ANOMALY_FLAGGED','BLOCKED','REJECTED','FAILED','CANCELLED')")).as("jobs stuck").isZero();
            // Exactly one entry into an end state per job, and it is the job's last transition.
            assertThat(single(db, """
                    SELECT count(*) FROM (SELECT job_id, count(*) AS n FROM job_state_history
                      WHERE to_state IN ('COMPLETED','ANOMALY_FLAGGED','BLOCKED','REJECTED','FAILED','CANCELLED')
                      GROUP BY job_id) WHERE n <> 1""")).isZero();
            assertThat(single(db, """
                    SELECT count(*) FROM simulation_jobs j JOIN (SELECT job_id, arg_max(to_state, seq) AS last FROM job_state_history
                      GROUP BY job_id) h USING (job_id) WHERE h.last <> j.status""")).isZero();
            // History is contiguous per job (no lost or doubled sequence numbers) and fully published.
            assertThat(single(db, "SELECT count(*) FROM (SELECT job_id FROM job_state_history GROUP BY job_id "
                    + "HAVING count(*) <> max(seq) OR min(seq) <> 1)")).isZero();
            assertThat(single(db, "SELECT count(*) FROM job_state_history WHERE NOT published")).isZero();
            // One prediction, one result, one evaluation per job that got that far.
            long evaluated = single(db, "SELECT count(*) FROM simulation_jobs WHERE status IN ('COMPLETED','ANOMALY_FLAGGED')");
            assertThat(single(db, "SELECT count(*) FROM job_evaluations")).isEqualTo(evaluated);
            assertThat(single(db, "SELECT count(*) FROM simulation_results")).isEqualTo(evaluated);
            assertThat(single(db, "SELECT count(*) FROM training_buffer")).isEqualTo(evaluated);
            assertThat(single(db, "SELECT count(*) FROM preflight_decisions")).isEqualTo(
                    single(db, "SELECT count(DISTINCT job_id) FROM job_state_history WHERE from_state = 'PREFLIGHT'"));
            assertThat(single(db, "SELECT count(*) FROM tradeoff_predictions WHERE prediction_type = 'preflight'"))
                    .isEqualTo(single(db, "SELECT count(*) FROM preflight_decisions"));
            assertThat(evaluated).as("the campaign must exercise the whole pipeline").isGreaterThan(JOBS / 4);
            // The kill fell in the middle: workers of both processes produced results.
            assertThat(single(db, "SELECT count(*) FROM simulation_results WHERE worker LIKE 'intelligence-restarted%'")).isPositive();
            assertThat(single(db, "SELECT count(*) FROM simulation_results WHERE worker NOT LIKE 'intelligence-restarted%'")).isPositive();
            long history = single(db, "SELECT count(*) FROM job_state_history");
            assertThat(distinctStateEvents(redis)).isEqualTo(history);
            print(db);
            // The mix the campaign claims to exercise: every kind of end reached, and the end states account for every job.
            Map<String, Long> states = new TreeMap<>();
            try (ResultSet rs = db.createStatement().executeQuery("SELECT status, count(*) FROM simulation_jobs GROUP BY status")) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getLong(2));
                }
            }
            assertThat(END).as("end states %s", states).containsAll(states.keySet());
            assertThat(states.values().stream().mapToLong(Long::longValue).sum()).as("end states %s", states).isEqualTo(JOBS);
            for (String kind : List.of("COMPLETED", "BLOCKED", "REJECTED")) {
                assertThat(states.getOrDefault(kind, 0L)).as("%s jobs among %s", kind, states).isPositive();
            }
            // Each kind ended where it must: the blockable ones blocked, the physically pointless ones rejected.
            assertThat(statesOf(db, blockable)).as("blockable jobs").containsOnlyKeys("BLOCKED");
            assertThat(statesOf(db, pointless)).as("physically pointless jobs").containsOnlyKeys("REJECTED");
        }
    }

    private static boolean isBlockable(int n) {
        return SystemProbe.isBlockable(n);
    }

    private static boolean isPointless(int n) {
        return SystemProbe.isPointless(n);
    }

    private static String submit(int n) throws Exception {
        return SystemProbe.submitCampaignJob(ingestion, n, "crash-test");
    }

    /** The model's status; the service may still answer 503 while it starts. */
    private static String modelStatus() {
        try {
            return getJson(intelligence.baseUrl() + "/api/v1/models/current").path("status").asString();
        } catch (Exception | AssertionError notYet) {
            return null;
        }
    }

    /** End state → number of the given jobs in it, from the store. */
    private static Map<String, Long> statesOf(Connection db, List<String> jobIds) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        String in = String.join("','", jobIds);
        try (ResultSet rs = db.createStatement().executeQuery(
                "SELECT status, count(*) FROM simulation_jobs WHERE job_id IN ('" + in + "') GROUP BY status")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(out.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(jobIds.size());
        return out;
    }

    private static void print(Connection db) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery("SELECT status, count(*) FROM simulation_jobs GROUP BY status ORDER BY status")) {
            StringBuilder sb = new StringBuilder("End states after the kill:");
            while (rs.next()) {
                sb.append(' ').append(rs.getString(1)).append('=').append(rs.getLong(2));
            }
            System.out.println(sb);
        }
    }

    private static boolean ended(String id) {
        String state = stateOf(intelligence, id);
        return state != null && END.contains(state);
    }
}
