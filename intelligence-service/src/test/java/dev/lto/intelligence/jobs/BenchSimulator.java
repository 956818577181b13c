package dev.lto.intelligence.jobs;

import dev.lto.engine.models.FakePhysics;
import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.BossungCurve;
import dev.lto.simulator.spi.ImageArray;
import dev.lto.simulator.spi.SimulationArtifacts;
import dev.lto.simulator.spi.SimulatorInterface;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
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
 * progress snapshot on its metric stream. Like the physics simulator it keeps pictures of the jobs it
 * finished ({@link #artifacts}): a small aerial image and Bossung plot rendered as PNG.
 */
final class BenchSimulator implements SimulatorInterface {

    /** Holds by name, shared across instances (tests reach them without the bean). */
    private static final Map<String, CountDownLatch> HOLDS = new ConcurrentHashMap<>();

    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, SimulationArtifacts> pictures = new ConcurrentHashMap<>();

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
        pictures.put(p.jobId(), new Pictures(p.jobId(), p.doseMjCm2()));
        // Like the physics simulator: "done" once the job's pictures exist (the service stores them then).
        progress.tryEmitNext(new MetricSnapshot(p.jobId(), Instant.now(), "bench", "done", 1.0, 0.0, null, null, Map.of()));
        return new SimulationResult(r.jobId(), p, r.outputs(), r.tradeoffSignals(), r.computeStats(), r.timestamp(),
                r.simulatorVersion(), "bench");
    }

    /** Drops a job's pictures from memory, as a restarted process would have none. */
    void forget(String jobId) {
        pictures.remove(jobId);
    }

    @Override
    public Optional<SimulationArtifacts> artifacts(String jobId) {
        return Optional.ofNullable(pictures.get(jobId));
    }

    /** A finished job's pictures: a 16 × 16 aerial image (a line whose contrast grows with dose) and a 3-point Bossung curve. */
    private record Pictures(String jobId, double dose) implements SimulationArtifacts {

        @Override
        public ImageArray aerialImage() {
            float[] v = new float[16 * 16];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (Math.abs(i % 16 - 8) < 4 ? Math.min(1, dose / 30) : 0.1);
            }
            return new ImageArray(16, 16, 2.0, v);
        }

        @Override
        public ImageArray resistImage() {
            return aerialImage();
        }

        @Override
        public double printThreshold() {
            return 0.3;
        }

        @Override
        public double targetCdNm() {
            return 16;
        }

        @Override
        public List<BossungCurve> bossung() {
            return List.of(new BossungCurve(dose, new double[] {-50, 0, 50}, new double[] {17, 16, 17}));
        }

        @Override
        public byte[] aerialPng() {
            ImageArray a = aerialImage();
            BufferedImage img = new BufferedImage(a.width(), a.height(), BufferedImage.TYPE_BYTE_GRAY);
            for (int row = 0; row < a.height(); row++) {
                for (int col = 0; col < a.width(); col++) {
                    int g = Math.round(255 * a.at(row, col));
                    img.setRGB(col, row, (g << 16) | (g << 8) | g);
                }
            }
            return png(img);
        }

        @Override
        public byte[] resistPng() {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            img.setRGB(8, 8, 0xE0201C);
            return png(img);
        }

        @Override
        public byte[] bossungPng() {
            BufferedImage img = new BufferedImage(24, 12, BufferedImage.TYPE_INT_RGB);
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, 6 + Math.abs(x - 12) / 3, 0xFFFFFF);
            }
            return png(img);
        }

        private static byte[] png(BufferedImage img) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(img, "png", out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
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
