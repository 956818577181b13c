package dev.lto.engine.serving;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobPriority;
import dev.lto.engine.EngineApi;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Physics-lite estimates as the engine asks for them (docs/ml.md §11, "Physics-lite on the request
 * path"): a physics-lite run costs 0.2–0.4 CPU-seconds, about a thousand first-stage predictions.
 * <ul>
 * <li>Remembered: an estimate is a function of the job's physical parameters only (the adapter's
 * reduced-fidelity physics; {@link SimulatorInterface#estimateSignals}), so the same parameters with
 * another job id, priority, profile or submitter reuse it. The most recently used {@code cacheSize}
 * are kept; a second request for parameters being estimated waits for that run instead of starting
 * another.</li>
 * <li>Bounded on the interactive path: at most {@code interactiveConcurrency} estimates run at once for
 * {@code POST /predict}; a request that finds them all busy gets the first stage's own answer at once
 * (said so in the answer) rather than queueing CPU work behind them. The pipeline's preflight is
 * not bounded here: it runs on its own worker threads and must see physics-lite.</li>
 * </ul>
 */
@EngineApi
public final class PhysicsLiteEstimates {

    /**
     * @param cacheSize              estimates remembered (0: none)
     * @param interactiveConcurrency physics-lite runs at once for interactive predictions (≥ 1)
     */
    @EngineApi
    public record Settings(int cacheSize, int interactiveConcurrency) {

        public Settings {
            if (cacheSize < 0) {
                throw new IllegalArgumentException("physics-lite cache size must be ≥ 0, got " + cacheSize);
            }
            if (interactiveConcurrency < 1) {
                throw new IllegalArgumentException("physics-lite interactive concurrency must be ≥ 1, got " + interactiveConcurrency);
            }
        }

        /** 4,096 remembered, half the cores (at least one) for interactive runs. */
        public static Settings defaults() {
            return new Settings(4096, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        }
    }

    /** Counts since start: estimates run, answered from memory, and interactive requests that found physics-lite busy. */
    @EngineApi
    public record Counts(long computed, long remembered, long busy) {
    }

    /** The estimate key: the adapter instance and the parameters with the fields physics never reads fixed. */
    private record Key(SimulatorInterface adapter, JobParameters physical) {
    }

    /** Several estimates at once (see {@link #inParallel}). */
    private static final ForkJoinPool PARALLEL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("physics-lite-" + t.getPoolIndex());
        t.setPriority(3);
        t.setDaemon(true);
        return t;
    }, null, false);

    /** Java priority of a request thread while it runs an interactive physics-lite estimate. */
    static final int INTERACTIVE_LITE_PRIORITY = 4;

    private final int cacheSize;
    private final Semaphore interactive;
    private final int interactiveConcurrency;
    private final Map<Key, CompletableFuture<Optional<LiteEstimate>>> recent;
    private final LongAdder computed = new LongAdder();
    private final LongAdder remembered = new LongAdder();
    private final LongAdder busy = new LongAdder();

    public PhysicsLiteEstimates(Settings settings) {
        this.cacheSize = settings.cacheSize();
        this.interactiveConcurrency = settings.interactiveConcurrency();
        this.interactive = new Semaphore(settings.interactiveConcurrency());
        this.recent = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<Optional<LiteEstimate>>> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** The estimate: remembered, being computed by another caller (waits for it), or run now on this thread. */
    public Optional<LiteEstimate> estimate(SimulatorInterface adapter, JobParameters job) {
        Key key = key(adapter, job);
        CompletableFuture<Optional<LiteEstimate>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<LiteEstimate>> existing;
        synchronized (recent) {
            existing = recent.get(key);
            if (existing == null && cacheSize > 0) {
                recent.put(key, mine);
            }
        }
        if (existing != null) {
            remembered.increment();
            try {
                return existing.join();
            } catch (CompletionException e) {
                // The run we waited for failed: that caller saw its exception; this one runs its own.
                return run(adapter, job, key, new CompletableFuture<>());
            }
        }
        return run(adapter, job, key, mine);
    }

    /**
     * For an interactive request: the remembered estimate, or one run now while an interactive slot is
     * free; empty when every slot is busy (the caller answers without physics-lite).
     */
    Optional<Optional<LiteEstimate>> estimateIfFree(SimulatorInterface adapter, JobParameters job) {
        CompletableFuture<Optional<LiteEstimate>> done;
        synchronized (recent) {
            done = recent.get(key(adapter, job));
        }
        if (done != null && done.isDone() && !done.isCompletedExceptionally()) {
            remembered.increment();
            return Optional.of(done.join());
        }
        if (!interactive.tryAcquire()) {
            busy.increment();
            return Optional.empty();
        }
        // A request thread running physics-lite lowers itself (Java priority 4, nice 5 with the flags ./lto sets) for
        // the run, so the other requests' short work goes first.
        Thread self = Thread.currentThread();
        int priority = self.getPriority();
        self.setPriority(Math.min(priority, INTERACTIVE_LITE_PRIORITY));
        try {
            return Optional.of(estimate(adapter, job));
        } finally {
            self.setPriority(priority);
            interactive.release();
        }
    }

    /**
     * {@code each} applied to every job in parallel, in order, on a pool of one thread per core whose threads run
     * at Java priority 3 (nice 10 with the flags ./lto sets; docs/operations.md "CPU priorities"): several
     * physics-lite runs at once are pipeline or batch work (the preflight's alternatives, a batch), never ahead of
     * other requests. The common pool's threads would run them at the requests' priority.
     */
    <T> List<T> inParallel(List<JobParameters> jobs, Function<JobParameters, T> each) {
        return PARALLEL.submit(() -> jobs.parallelStream().map(each).toList()).join();
    }

    public Counts counts() {
        return new Counts(computed.sum(), remembered.sum(), busy.sum());
    }

    int interactiveConcurrency() {
        return interactiveConcurrency;
    }

    private Optional<LiteEstimate> run(SimulatorInterface adapter, JobParameters job, Key key,
                                       CompletableFuture<Optional<LiteEstimate>> mine) {
        try {
            Optional<LiteEstimate> e = adapter.estimateSignals(job);
            computed.increment();
            mine.complete(e);
            return e;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            synchronized (recent) {
                recent.remove(key, mine);
            }
            throw e;
        }
    }

    private static Key key(SimulatorInterface adapter, JobParameters j) {
        // job id, priority, constraint profile and submitter never reach the physics.
        return new Key(adapter, new JobParameters("lite", j.na(), j.wavelengthNm(), j.doseMjCm2(), j.sigma(),
                j.resistThicknessNm(), j.gridSizeNm(), j.patternComplexity(), j.useAiSurrogate(), j.jobClass(),
                JobPriority.NORMAL, JobParameters.DEFAULT_CONSTRAINT_PROFILE, JobParameters.DEFAULT_SUBMITTED_BY,
                j.metadata()));
    }
}
