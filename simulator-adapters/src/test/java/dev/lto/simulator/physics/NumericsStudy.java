package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationOutputs;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SignalIntermediates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Silent numerics on random jobs (the generator of {@link SignalCompositionTest}): how many jobs
 * throw (and why), how many have a NaN intermediate or NaN pixels in the aerial or resist image
 * (a NaN there is otherwise absorbed by comparisons), how many outputs are NaN turned into null
 * (NILS, contrast, dose-to-size, latitude, MEEF), and how many depth-of-focus values are lower bounds
 * (the process window still open at the edge of the focus range). Also writes every job's outputs,
 * signals, intermediates and physics-lite signals with full precision, so that two builds can be
 * compared bit for bit (target/numerics-study-&lt;config&gt;.txt). Run with -Dlto.study=true;
 * -Dlto.study.config=defaults|cheap, -Dlto.study.jobs=200, -Dlto.study.seed=20261203,
 * -Dlto.study.lite=true.
 */
@EnabledIfSystemProperty(named = "lto.study", matches = "true")
class NumericsStudy {

    @Test
    void numerics() throws Exception {
        String config = System.getProperty("lto.study.config", "defaults");
        int jobs = Integer.getInteger("lto.study.jobs", 200);
        long seed = Long.getLong("lto.study.seed", 20261203L);
        boolean withLite = Boolean.parseBoolean(System.getProperty("lto.study.lite", "true"));
        PhysicsSimulatorProperties props = "cheap".equals(config) ? SignalCompositionTest.CHEAP
                : PhysicsSimulatorProperties.defaults();
        PhysicsSimulator sim = new PhysicsSimulator(props);
        SplittableRandom r = new SplittableRandom(seed);
        int failed = 0;
        int nanMessages = 0;
        int nanIntermediates = 0;
        int[] nullOutputs = new int[5];
        int lowerBound = 0;
        int nanImages = 0;
        double seconds = 0;
        StringBuilder rows = new StringBuilder();
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < jobs; i++) {
            JobParameters p = SignalCompositionTest.randomJob(r, i);
            long t = System.nanoTime();
            try {
                SimulationResult res = sim.runJob(p);
                SimulationOutputs o = res.outputs();
                SignalIntermediates in = sim.intermediatesOf(res).orElseThrow();
                nanIntermediates += Double.isNaN(in.patternFidelity()) || Double.isNaN(in.depthOfFocusNm())
                        || Double.isNaN(in.failureProbability()) || Double.isNaN(in.edgeLogSlope()) ? 1 : 0;
                Double[] optional = {o.nils(), o.imageContrast(), o.doseToSizeMjCm2(), o.exposureLatitudePct(), o.meef()};
                for (int k = 0; k < optional.length; k++) {
                    nullOutputs[k] += optional[k] == null ? 1 : 0;
                }
                lowerBound += Boolean.TRUE.equals(lowerBoundOf(o)) ? 1 : 0;
                var art = sim.artifacts(p.jobId()).orElseThrow();
                nanImages += hasNaN(art.aerialImage().values()) || hasNaN(art.resistImage().values()) ? 1 : 0;
                rows.append(p.jobId()).append(" outputs ").append(withoutLowerBound(o)).append('\n');
                rows.append(p.jobId()).append(" signals ").append(Arrays.toString(res.tradeoffSignals().toArray()))
                        .append('\n');
                rows.append(p.jobId()).append(" intermediates ").append(in).append('\n');
                rows.append(p.jobId()).append(" stats ").append(res.computeStats().flopEstimate()).append(' ')
                        .append(res.computeStats().kernels()).append('\n');
                if (withLite) {
                    LiteEstimate e = sim.estimateSignals(p).orElseThrow();
                    rows.append(p.jobId()).append(" lite ").append(e.fidelity()).append(' ')
                            .append(Arrays.toString(e.signals().toArray())).append(' ').append(e.intermediates())
                            .append(' ').append(Arrays.toString(e.errorEstimate())).append('\n');
                }
            } catch (RuntimeException e) {
                failed++;
                nanMessages += String.valueOf(e.getMessage()).contains("NaN") ? 1 : 0;
                failures.append(p).append(" -> ").append(e).append('\n');
                rows.append(p.jobId()).append(" FAILED ").append(e).append('\n');
            }
            seconds += (System.nanoTime() - t) / 1e9;
        }
        String summary = String.format(Locale.ROOT,
                "%d random jobs (seed %d, config %s, lite %s), %.2f s/job: failed %d (NaN in the message: %d), "
                        + "NaN intermediates %d, null (non-finite) NILS %d, contrast %d, dose-to-size %d, latitude %d, "
                        + "MEEF %d; NaN pixels in the aerial or resist image %d; DoF a lower bound (window open at the "
                        + "focus-range edge) %d%n",
                jobs, seed, config, withLite, seconds / jobs, failed, nanMessages, nanIntermediates, nullOutputs[0],
                nullOutputs[1], nullOutputs[2], nullOutputs[3], nullOutputs[4], nanImages, lowerBound);
        System.out.print(summary + failures);
        Files.writeString(Path.of("target/numerics-study-" + config + ".txt"), summary + failures + rows);
    }

    static boolean hasNaN(float[] v) {
        for (float x : v) {
            if (Float.isNaN(x)) {
                return true;
            }
        }
        return false;
    }

    /** The lower-bound flag where the outputs carry one (null before it existed). */
    static Boolean lowerBoundOf(SimulationOutputs o) {
        for (var c : SimulationOutputs.class.getRecordComponents()) {
            if (c.getName().equals("depthOfFocusLowerBound")) {
                try {
                    return (Boolean) c.getAccessor().invoke(o);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    /** The outputs as text without the lower-bound flag, so that builds before and after it compare. */
    static String withoutLowerBound(SimulationOutputs o) {
        return o.toString().replaceAll(", depthOfFocusLowerBound=[a-z]+", "");
    }
}
