package dev.lto.intelligence.jobs;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.campaign.FakePhysics;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A test adapter ("bench") over {@link FakePhysics} whose behaviour a job asks for in its
 * metadata: {@code fail_times} (fail the first n attempts), {@code sleep_ms} (run that long),
 * {@code hold} (run until the test calls {@link #release(String)} with that name: a job that
 * occupies its slot for exactly as long as the test needs, without a race against a sleep),
 * {@code yield_override} (report that yield risk, to provoke an anomaly). Each run reports one
 * progress snapshot on its metric stream.
 */
final class BenchSimulator implements SimulatorInterface {

    /** Holds by name, shared across instances (tests reach them without the bean). */
    private static final Map<String, CountDownLatch> HOLDS = new ConcurrentHashMap<>();

    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    /** Lets every job held under {@code name} finish (now, or as soon as it starts). */
    static void release(String name) {
        HOLDS.computeIfAbsent(name, k -> new CountDownLatch(1)).countDown();
    }
    private final FakePhysics physics = new FakePhysics();
    private final Sinks.Many<MetricSnapshot> progress = Sinks.many().multicast().directBestEffort();

    @Override
    public String adapterType() {
        return "bench";
    }

    @Override
    public SimulationResult runJob(JobParameters p) {
        int attempt = attempts.computeIfAbsent(p.jobId(), k -> new AtomicInteger()).incrementAndGet();
        progress.tryEmitNext(new MetricSnapshot(p.jobId(), Instant.now(), "bench", "imaging", 0.5, 0.0, null, null, Map.of()));
        Map<String, Object> md = p.metadata();
        if (md.get("hold") instanceof String name) {
            try {
                if (!HOLDS.computeIfAbsent(name, k -> new CountDownLatch(1)).await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("hold '" + name + "' never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        if (md.get("sleep_ms") instanceof Number ms) {
            try {
                Thread.sleep(ms.longValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        if (md.get("fail_times") instanceof Number n && attempt <= n.intValue()) {
            throw new IllegalStateException("injected simulator failure " + attempt);
        }
        SimulationResult r = physics.runJob(p);
        if (md.get("yield_override") instanceof Number y) {
            TradeoffSignals s = r.tradeoffSignals();
            r = new SimulationResult(r.jobId(), p, r.outputs(), new TradeoffSignals(s.speedVsAccuracy(), s.resolutionVsDof(),
                    s.costVsFidelity(), s.surrogateReliability(), y.doubleValue(), s.overallHealth()),
                    r.computeStats(), r.timestamp(), r.simulatorVersion(), "bench");
        }
        return new SimulationResult(r.jobId(), p, r.outputs(), r.tradeoffSignals(), r.computeStats(), r.timestamp(),
                r.simulatorVersion(), "bench");
    }

    @Override
    public List<String> physicalProblems(JobParameters p) {
        return p.gridSizeNm() > 9.5 ? List.of("grid_size_nm " + p.gridSizeNm() + " is too coarse for the bench pattern") : List.of();
    }

    @Override
    public Flux<MetricSnapshot> streamMetrics() {
        return progress.asFlux();
    }

    @Override
    public AdapterHealth healthCheck() {
        return new AdapterHealth("bench", HealthStatus.UP, "bench-1", "cpu", "test double", Instant.now());
    }
}
