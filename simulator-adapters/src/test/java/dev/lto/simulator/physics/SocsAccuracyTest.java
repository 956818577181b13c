package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.simulator.physics.mask.Rasterizer;
import dev.lto.simulator.physics.optics.Djl;
import dev.lto.simulator.physics.optics.Imaging;
import dev.lto.simulator.physics.optics.SocsBuilder;
import dev.lto.simulator.physics.optics.SocsKernels;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PHYSICS.md 7: SOCS RMS error against Abbe as a function of K on the standard mask (job_class 15,
 * 2-D logic, MODERATE; EUV, NA 0.33, σ 0.8, 1 nm grid: the benchmark's mask), same source sampling
 * for both. Asserted: RMSE(K) within {@link #TOLERANCE} of the values docs/physics.md §7 states
 * ({@link #DOCUMENTED}, physics-2.0, CPU libtorch), RMSE falling with K, and ≤ 2e-3 first reached at
 * K = 24 of the K list (published C++ figure: 2.5e-3 at K = 50). A change of the imaging, the source
 * sampling or the kernel build that moves the error by more than the tolerance fails here: then
 * measure again and update the docs and this table together.
 */
class SocsAccuracyTest {

    /** RMSE(K) as docs/physics.md §7 row 7 states it (physics-2.0, measured on the CPU libtorch). */
    static final Map<Integer, Double> DOCUMENTED = documented();

    /**
     * Relative tolerance on each documented value: the docs round to two figures (≤ 2 %), and the
     * seeded randomized SVD in float32 may round differently on another libtorch or device.
     */
    static final double TOLERANCE = 0.10;

    private static Map<Integer, Double> documented() {
        Map<Integer, Double> m = new LinkedHashMap<>();
        m.put(1, 3.0e-2);
        m.put(2, 2.5e-2);
        m.put(4, 1.5e-2);
        m.put(8, 4.2e-3);
        m.put(12, 3.0e-3);
        m.put(16, 2.1e-3);
        m.put(24, 1.6e-3);
        m.put(32, 1.2e-3);
        m.put(40, 1.0e-3);
        m.put(48, 9.1e-4);
        return m;
    }

    static Map<Integer, Double> rmseByK(PhysicsSimulatorProperties props, int[] ks) {
        PhysicsSimulator sim = new PhysicsSimulator(props);
        JobParameters p = new JobParameters("socs-std", 0.33, 13.5, 30.0, 0.8, 30.0, 1.0, PatternComplexity.MODERATE,
                true, 15, null, null, null, null);
        PhysicsSimulator.Setup s = sim.setup(p);
        int kmax = ks[ks.length - 1];
        SocsKernels k = SocsBuilder.build(s.optical(0), s.source(), kmax, props.socs().oversample(),
                props.socs().powerIterations());
        Map<Integer, Double> out = new LinkedHashMap<>();
        try (NDManager m = Djl.newManager()) {
            NDArray win = Imaging.maskWindow(m, Rasterizer.rasterize(s.layout(), s.grid().maskPx()), s.grid().maskPx(),
                    s.grid().imagePx());
            NDArray abbe = Imaging.abbe(m, win, s.optical(0), s.source(), 256);
            for (int kk : ks) {
                NDArray socs = k.image(m, win, kk);
                out.put(kk, (double) socs.sub(abbe).square().mean().sqrt().getFloat());
                System.out.printf("K=%d rmse=%.3e clearFieldError=%.3e tail=%.3e%n", kk, out.get(kk),
                        k.clearFieldError(kk), 1 - k.energyFraction(kk));
            }
        }
        return out;
    }

    @Test
    void rmseMatchesTheDocumentedCurve() {
        int[] ks = DOCUMENTED.keySet().stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, Double> r = rmseByK(PhysicsSimulatorProperties.defaults(), ks);
        System.out.println("SOCS RMSE vs K (standard mask, defaults): " + r);
        for (int k : ks) {
            double doc = DOCUMENTED.get(k);
            assertThat(r.get(k)).as("RMSE at K = %d (docs: %s ± %.0f %%); all: %s", k, doc, 100 * TOLERANCE, r)
                    .isBetween(doc * (1 - TOLERANCE), doc * (1 + TOLERANCE));
        }
        for (int i = 1; i < ks.length; i++) {
            assertThat(r.get(ks[i])).as("RMSE falls with K: %s", r).isLessThan(r.get(ks[i - 1]));
        }
        int reached = -1;
        for (int k : ks) {
            if (r.get(k) <= 2e-3) {
                reached = k;
                break;
            }
        }
        assertThat(reached).as("first K of the list with RMSE <= 2e-3; got %s", r).isEqualTo(24);
    }
}
