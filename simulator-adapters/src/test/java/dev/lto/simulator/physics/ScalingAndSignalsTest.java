package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PHYSICS.md 8 (Rayleigh and depth-of-focus scaling) and the signals' monotonic properties. */
class ScalingAndSignalsTest {

    static final PhysicsSimulator SIM = new PhysicsSimulator(TestJobs.fastProps());

    /** Same k₁ pattern (class 1), resist blur scaled with λ/NA so that only the optics differ. */
    private static SimulationResult scaled(double lambda, double na, double dose) {
        double u = lambda / na;
        return SIM.runJob(TestJobs.job("scale_" + lambda + "_" + na, na, lambda, dose, 0.8, 1, PatternComplexity.SIMPLE,
                false, Math.min(10, Math.max(0.1, u / 30)), Map.of("diffusion_nm", 0.05 * u)));
    }

    @Test
    void rayleighAndDofScaleAcrossWavelengthAndNa() {
        List<Double> dofNorm = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (double lambda : new double[] {13.5, 193, 248}) {
            for (double na : new double[] {0.25, 0.55}) {
                SimulationResult r = scaled(lambda, na, 30);
                double resNorm = r.outputs().resolutionNm() * na / lambda;
                assertThat(resNorm).isCloseTo(1 / (2 * 1.8), within(1e-12)); // k₁ = 0.278 at σ = 0.8
                assertThat(r.outputs().targetCdNm() * na / lambda).isCloseTo(0.5, within(1e-12));
                double dn = r.outputs().depthOfFocusNm() * na * na / lambda;
                dofNorm.add(dn);
                table.append(String.format(java.util.Locale.ROOT, "lambda=%.1f NA=%.2f DoF=%.1f nm DoF*NA^2/lambda=%.3f%n",
                        lambda, na, r.outputs().depthOfFocusNm(), dn));
            }
        }
        System.out.print(table);
        double mean = dofNorm.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isGreaterThan(0.2);
        for (double d : dofNorm) {
            assertThat(d).as(table.toString()).isCloseTo(mean, within(0.15 * mean));
        }
    }

    @Test
    void raisingNaImprovesResolutionAndShrinksDof() {
        double prevRes = Double.POSITIVE_INFINITY;
        double prevDof = Double.POSITIVE_INFINITY;
        for (double na : new double[] {0.25, 0.33, 0.45, 0.55}) {
            SimulationResult r = SIM.runJob(TestJobs.job("na_" + na, na, 13.5, 30, 0.8, 1, PatternComplexity.SIMPLE,
                    false, 2.0, Map.of()));
            assertThat(r.outputs().resolutionNm()).isLessThan(prevRes);
            assertThat(r.outputs().depthOfFocusNm()).isLessThan(prevDof);
            prevRes = r.outputs().resolutionNm();
            prevDof = r.outputs().depthOfFocusNm();
        }
    }

    @Test
    void raisingDoseLowersStochasticRisk() {
        double prevP = 2;
        double prevRisk = 2;
        for (double dose : new double[] {10, 20, 30, 60, 100}) {
            SimulationResult r = SIM.runJob(TestJobs.job("dose_" + dose, 0.33, 13.5, dose, 0.8, 2,
                    PatternComplexity.SIMPLE, true, 1.0, Map.of()));
            double p = r.outputs().stochasticFailureProbability();
            assertThat(p).isLessThan(prevP);
            assertThat(r.tradeoffSignals().yieldRisk()).isLessThanOrEqualTo(prevRisk);
            prevP = p;
            prevRisk = r.tradeoffSignals().yieldRisk();
        }
    }

    @Test
    void focusSymmetryOfTheImage() {
        SimulationResult plus = SIM.runJob(TestJobs.euv("zp", true, Map.of("defocus_nm", 50.0)));
        SimulationResult minus = SIM.runJob(TestJobs.euv("zm", true, Map.of("defocus_nm", -50.0)));
        assertThat(minus.outputs().cdNm()).isEqualTo(plus.outputs().cdNm());
        assertThat(minus.outputs().nils()).isEqualTo(plus.outputs().nils());
    }
}
