package dev.lto.engine.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobPriority;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Physics-lite estimates remembered per physical parameter set, and bounded on the interactive path. */
class PhysicsLiteEstimatesTest {

    /** Counts its runs; the signals encode the dose, so a wrong reuse shows. Blocks while {@code hold} is set. */
    static final class CountingLite implements SimulatorInterface {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicBoolean fail = new AtomicBoolean();
        volatile CountDownLatch hold;

        @Override
        public String adapterType() {
            return "counting";
        }

        @Override
        public SimulationResult runJob(JobParameters params) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Flux<MetricSnapshot> streamMetrics() {
            return Flux.never();
        }

        @Override
        public AdapterHealth healthCheck() {
            return new AdapterHealth("counting", HealthStatus.UP, "1", "cpu", "test double", Instant.now());
        }

        @Override
        public Optional<LiteEstimate> estimateSignals(JobParameters p) {
            runs.incrementAndGet();
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (fail.get()) {
                throw new IllegalStateException("lite failed");
            }
            double d = p.doseMjCm2() / 100;
            return Optional.of(new LiteEstimate(new TradeoffSignals(d, d, d, d, d, d), null, new double[6], "test", 0.2));
        }
    }

    private static JobParameters job(String id, double dose) {
        return JobParameters.of(0.33, dose).withJobId(id);
    }

    @Test
    void theSamePhysicsUnderAnotherIdPriorityProfileOrSubmitterReusesTheEstimate() {
        CountingLite sim = new CountingLite();
        PhysicsLiteEstimates lite = new PhysicsLiteEstimates(new PhysicsLiteEstimates.Settings(16, 1));
        JobParameters a = job("job_a", 30);
        JobParameters b = new JobParameters("job_b", 0.33, null, 30.0, null, null, null, null, null, null, JobPriority.HIGH,
                "strict", "alice", null);
        assertThat(lite.estimate(sim, a).orElseThrow().signals().yieldRisk()).isEqualTo(0.30);
        assertThat(lite.estimate(sim, b).orElseThrow().signals().yieldRisk()).isEqualTo(0.30);
        assertThat(sim.runs).hasValue(1);
        // Anything physics reads is part of the key: another dose, job class or metadata runs again.
        assertThat(lite.estimate(sim, job("job_c", 31)).orElseThrow().signals().yieldRisk()).isEqualTo(0.31);
        JobParameters withMetadata = new JobParameters("job_d", 0.33, null, 30.0, null, null, null, null, null, null, null,
                null, null, Map.of("defocus_nm", 5.0));
        lite.estimate(sim, withMetadata);
        assertThat(sim.runs).hasValue(3);
        assertThat(lite.counts()).isEqualTo(new PhysicsLiteEstimates.Counts(3, 1, 0));
    }

    @Test
    void theLeastRecentlyUsedEstimateGoesFirstAndAFailureIsNotRemembered() {
        CountingLite sim = new CountingLite();
        PhysicsLiteEstimates lite = new PhysicsLiteEstimates(new PhysicsLiteEstimates.Settings(2, 1));
        lite.estimate(sim, job("a", 10));
        lite.estimate(sim, job("b", 20));
        lite.estimate(sim, job("a2", 10)); // 10 is now the most recent
        lite.estimate(sim, job("c", 30)); // evicts 20
        assertThat(sim.runs).hasValue(3);
        lite.estimate(sim, job("a3", 10));
        assertThat(sim.runs).hasValue(3);
        lite.estimate(sim, job("b2", 20));
        assertThat(sim.runs).hasValue(4);

        sim.fail.set(true);
        assertThatThrownBy(() -> lite.estimate(sim, job("d", 40))).hasMessage("lite failed");
        sim.fail.set(false);
        assertThat(lite.estimate(sim, job("d2", 40))).isPresent();
        assertThat(sim.runs).hasValue(6);
    }

    @Test
    void anInteractiveRequestFindingEverySlotBusyGetsNothingAtOnceButARememberedEstimateStillServes() throws Exception {
        CountingLite sim = new CountingLite();
        PhysicsLiteEstimates lite = new PhysicsLiteEstimates(new PhysicsLiteEstimates.Settings(16, 1));
        lite.estimate(sim, job("warm", 50));
        CountDownLatch release = new CountDownLatch(1);
        sim.hold = release;
        CompletableFuture<Optional<Optional<LiteEstimate>>> holding =
                CompletableFuture.supplyAsync(() -> lite.estimateIfFree(sim, job("slow", 60)));
        // Wait until the slot holder is inside the adapter (runs: warm + slow).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sim.runs.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(sim.runs).hasValue(2);

        long t0 = System.nanoTime();
        assertThat(lite.estimateIfFree(sim, job("other", 70))).isEmpty();
        assertThat(lite.estimateIfFree(sim, job("warm-again", 50))).hasValueSatisfying(e ->
                assertThat(e.orElseThrow().signals().yieldRisk()).isEqualTo(0.50));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("neither waited for the busy slot").isLessThan(5_000);
        // The pipeline's path is not bounded by the interactive slots.
        sim.hold = null;
        assertThat(lite.estimate(sim, job("pipeline", 80))).isPresent();

        release.countDown();
        assertThat(holding.join()).isPresent();
        // released: the slot is free again
        assertThat(lite.estimateIfFree(sim, job("later", 90))).isPresent();
        assertThat(lite.counts()).isEqualTo(new PhysicsLiteEstimates.Counts(4, 1, 1));
    }
}
