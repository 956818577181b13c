package dev.lto.intelligence.models;

import dev.lto.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.lto.contracts.JobParameters;
import dev.lto.engine.lifecycle.LifecycleConflict;
import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.lifecycle.UnknownModelVersion;
import dev.lto.engine.models.TestData;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.engine.serving.TradeoffEstimate;
import dev.lto.intelligence.campaign.DuckDbTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The lifecycle's admin actions on the real registry and artifact store (DuckDB in a temp dir) with a
 * fake clock: gated promotion (409 naming the failed gates), the 30-day rollback candidate (day 30
 * rolls back, day 31 is a 409), the audit (who, when, why) and the announcements; and the atomic swap
 * under a concurrent predict load.
 */
class ModelLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");

    @Test
    void gatedPromotionThirtyDayRollbackAuditAndAtomicSwapUnderLoad(@TempDir Path dir) throws Exception {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            MutableClock clock = new MutableClock(T0);
            JdbcClient jdbc = JdbcClient.create(ds);
            ModelRegistry registry = new ModelRegistry(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), clock);
            ModelService service = new ModelPromotionTest().service(jdbc, registry, dir);
            TradeoffEngine engine = service.engine();
            List<ModelLifecycle.Announcement> announced = new CopyOnWriteArrayList<>();
            ModelLifecycle lifecycle = new ModelLifecycle(engine, registry, new dev.lto.engine.registry.ModelStore(dir,
                    tools.jackson.databind.json.JsonMapper.builder().build()), clock, Duration.ofDays(30), announced::add);

            // v1 bootstrap (serves although it fails its gates), v2 passes every gate and replaces it, v3 fails (shadow).
            service.trainRegisterPromote(TestData.samples(300, 41), "bootstrap");
            clock.advance(Duration.ofHours(1));
            service.trainRegisterPromote(ModelPromotionTest.passingCampaign(), "train command");
            Instant v1Retired = clock.instant();
            clock.advance(Duration.ofHours(1));
            service.trainRegisterPromote(TestData.samples(300, 43), "train command");
            assertThat(engine.currentVersion()).isEqualTo("v2");

            // Promoting a version that failed its gates: 409 naming them; nothing changes, nothing is recorded.
            int historyBefore = registry.deployments().size();
            assertThatThrownBy(() -> lifecycle.promote("v3", "alice", "try it"))
                    .isInstanceOfSatisfying(LifecycleConflict.class, e -> assertThat(e.details().get("failed_gates"))
                            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                            .contains("held_out_jobs", "critical_accuracy"));
            assertThatThrownBy(() -> lifecycle.promote("v2", "alice", "again")).isInstanceOf(LifecycleConflict.class)
                    .hasMessageContaining("already in production");
            assertThatThrownBy(() -> lifecycle.promote("v9", "alice", "nope")).isInstanceOf(UnknownModelVersion.class);
            assertThat(engine.currentVersion()).isEqualTo("v2");
            assertThat(registry.deployments()).hasSize(historyBefore);
            assertThat(announced).isEmpty();

            // The registry view: statuses, the rollback candidate v1 until 30 days after its retirement, gates per version.
            ModelLifecycle.RegistryView view = lifecycle.view();
            assertThat(view.models()).extracting(ModelLifecycle.Version::version, ModelLifecycle.Version::status,
                    ModelLifecycle.Version::gatesPassed)
                    .containsExactly(tuple("v1", "retired", false), tuple("v2", "production", true), tuple("v3", "shadow", false));
            assertThat(view.rollbackCandidate().version()).isEqualTo("v1");
            assertThat(view.rollbackCandidate().until()).isEqualTo(v1Retired.plus(Duration.ofDays(30)));

            // Day 30 after v1 retired: still the rollback candidate.
            clock.advance(Duration.between(clock.instant(), v1Retired.plus(Duration.ofDays(30)).minusSeconds(60)));
            Instant rolledBackAt = clock.instant();
            ModelLifecycle.Version back = lifecycle.rollback("alice", "v2 misbehaves on the new resist");
            assertThat(back.version()).isEqualTo("v1");
            assertThat(back.status()).isEqualTo("production");
            assertThat(engine.currentVersion()).isEqualTo("v1");
            assertThat(registry.find("v2").orElseThrow().status()).isEqualTo("retired");
            assertThat(registry.deployments().subList(historyBefore, registry.deployments().size()))
                    .extracting(ModelRegistry.Deployment::version, ModelRegistry.Deployment::event, ModelRegistry.Deployment::actor,
                            ModelRegistry.Deployment::reason, ModelRegistry.Deployment::occurredAt)
                    .containsExactly(tuple("v2", "retired", "alice", "replaced by v1", rolledBackAt),
                            tuple("v1", "rollback", "alice", "v2 misbehaves on the new resist", rolledBackAt));
            assertThat(announced).singleElement().satisfies(a -> {
                assertThat(a.event()).isEqualTo("rolled_back");
                assertThat(a.message()).contains("v1", "alice", "v2 misbehaves");
            });

            // A version that passed its gates is promoted by an admin: audited with who and why.
            ModelLifecycle.Version fwd = lifecycle.promote("v2", "bob", "the resist issue was a bad batch");
            assertThat(fwd.status()).isEqualTo("production");
            assertThat(registry.deployments().getLast()).extracting(ModelRegistry.Deployment::event,
                    ModelRegistry.Deployment::actor, ModelRegistry.Deployment::reason)
                    .containsExactly("production", "bob", "the resist issue was a bad batch");

            // Day 31 after v1's latest retirement: no rollback candidate; 409 and nothing changes.
            clock.advance(Duration.ofDays(31));
            assertThat(lifecycle.view().rollbackCandidate()).isNull();
            assertThatThrownBy(() -> lifecycle.rollback("alice", "too late")).isInstanceOf(LifecycleConflict.class)
                    .hasMessageContaining("no rollback candidate");
            assertThat(engine.currentVersion()).isEqualTo("v2");

            atomicSwapUnderLoad(engine, lifecycle, clock);
        } finally {
            ds.destroy();
        }
    }

    /**
     * Predicting threads run through six swaps (promote v2, rollback to v1, ...): no request fails and
     * each answer's model_version is the model that computed it (its scores equal that version's
     * answer for the job, measured beforehand on jobs where v1 and v2 answer differently).
     */
    private static void atomicSwapUnderLoad(TradeoffEngine engine, ModelLifecycle lifecycle, MutableClock clock)
            throws InterruptedException {
        SplittableRandom r = new SplittableRandom(5);
        List<JobParameters> candidates = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            candidates.add(TestData.randomJob(r, "load_" + i));
        }
        Map<String, List<double[]>> expected = new HashMap<>();
        expected.put("v2", scores(engine, candidates));
        assertThat(scores(engine, candidates)).as("answers are deterministic").usingRecursiveComparison()
                .isEqualTo(expected.get("v2"));
        // v1 serves again without its gates (the engine's own swap, as start-up uses): v2 becomes the rollback candidate.
        clock.advance(Duration.ofMinutes(1));
        engine.promote("v1", "production", "test set-up", "test");
        expected.put("v1", scores(engine, candidates));
        List<Integer> distinct = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (!java.util.Arrays.equals(expected.get("v1").get(i), expected.get("v2").get(i))) {
                distinct.add(i);
            }
        }
        assertThat(distinct).as("jobs on which v1 and v2 differ").hasSizeGreaterThan(10);

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        Map<String, java.util.concurrent.atomic.AtomicInteger> answered = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(4);
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            load.add(Thread.ofPlatform().start(() -> {
                SplittableRandom pick = new SplittableRandom(seed);
                started.countDown();
                while (!stop.get()) {
                    int i = distinct.get(pick.nextInt(distinct.size()));
                    try {
                        TradeoffEstimate e = engine.predict(List.of(candidates.get(i)), false, () -> "test").getFirst();
                        double[] s = scoreOf(e);
                        answered.computeIfAbsent(e.modelVersion(), v -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                        if (!java.util.Arrays.equals(s, expected.get(e.modelVersion()).get(i))) {
                            wrong.add(e.modelVersion() + " on job " + i);
                        }
                    } catch (Throwable ex) {
                        failures.add(ex);
                    }
                }
            }));
        }
        started.await();
        for (int k = 0; k < 6; k++) {
            Thread.sleep(150);
            clock.advance(Duration.ofMinutes(1));
            if ("v1".equals(engine.currentVersion())) {
                lifecycle.promote("v2", "carol", "swap " + k);
            } else {
                lifecycle.rollback("carol", "swap " + k);
            }
        }
        Thread.sleep(150);
        stop.set(true);
        for (Thread t : load) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(wrong).as("answers whose model_version is not the model that computed them").isEmpty();
        assertThat(answered.keySet()).containsExactlyInAnyOrder("v1", "v2");
        assertThat(answered.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum()).isGreaterThan(50);
    }

    private static List<double[]> scores(TradeoffEngine engine, List<JobParameters> jobs) {
        return jobs.stream().map(j -> scoreOf(engine.predict(List.of(j), false, () -> "test").getFirst())).toList();
    }

    /** Each signal's score and interval: what a caller reads. */
    private static double[] scoreOf(TradeoffEstimate e) {
        return java.util.Arrays.stream(e.predictions().toArray())
                .flatMapToDouble(x -> java.util.stream.DoubleStream.of(x.score(), x.ciLow(), x.ciHigh())).toArray();
    }
}
