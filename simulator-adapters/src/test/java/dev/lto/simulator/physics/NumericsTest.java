package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.SignalIntermediates;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No silent numerics: a NaN in a signal's formula or in an intermediate is an error naming it (the
 * job fails with that reason), never a valid-looking 0; a depth of focus read on a process window
 * still open at the edge of the focus range is marked as a lower bound, its number unchanged.
 */
class NumericsTest {

    static final PhysicsSimulatorProperties PROPS = TestJobs.fastProps();
    static final PhysicsSimulator SIM = new PhysicsSimulator(PROPS);

    static JobParameters classOne(String id, Map<String, Object> md) {
        return TestJobs.job(id, 0.33, 13.5, 30, 0.8, 1, PatternComplexity.SIMPLE, false, 2.0, md);
    }

    @Test
    void aNanInASignalFormulaIsAnErrorNamingTheSignal() {
        CostModel.Terms c = CostModel.of(classOne("nan", Map.of()), PROPS);
        // ∞/∞ in δCD/CD = 2ε/(I_edge·NILS): every input is a number, the formula is not.
        assertThatThrownBy(() -> Signals.compose(c, Double.POSITIVE_INFINITY,
                new SignalIntermediates(0.9, 100, 1e-9, Double.POSITIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN in signal surrogate_reliability")
                .hasMessageContaining("intermediates");
        // A NaN cost term.
        CostModel.Terms nanFlops = new CostModel.Terms(Double.NaN, c.surrogate(), c.maskPixelNm(), c.lambdaOverNa(),
                c.resolutionNm(), c.maskPx(), c.imagePx(), c.sourcePoints(), c.kernels(), c.tccTail(),
                c.nominalSurrogateRmse());
        assertThatThrownBy(() -> Signals.compose(nanFlops, c.nominalSurrogateRmse(), new SignalIntermediates(0.9, 100, 1e-9, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN in signal speed_vs_accuracy");
        // The same inputs with finite values compose (the check is not a blanket refusal).
        for (double v : Signals.compose(c, c.nominalSurrogateRmse(), new SignalIntermediates(0.9, 100, 1e-9, 1)).toArray()) {
            assertThat(v).isBetween(0.0, 1.0);
        }
    }

    @Test
    void aNanIntermediateIsNamed() {
        JobParameters p = classOne("nan_in", Map.of());
        assertThatThrownBy(() -> SIM.composeSignals(p, new SignalIntermediates(0.9, Double.NaN, 1e-9, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN intermediate depth_of_focus_nm");
        assertThatThrownBy(() -> SIM.composeSignals(p, new SignalIntermediates(0.9, 100, Double.NaN, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN intermediate failure_probability");
    }

    /**
     * Non-finite metadata numbers (defocus "NaN", diffusion "Infinity", a non-number) are physical
     * problems named with their key, so the pipeline rejects such a job with the reason instead of
     * running it (runJob itself still runs it: changing what it returns is left to a new simulator
     * version, see docs/physics.md §8).
     */
    @Test
    void nonFiniteMetadataIsAPhysicalProblem() {
        assertThat(SIM.physicalProblems(classOne("nan_job", Map.of("defocus_nm", "NaN"))))
                .singleElement().asString().contains("defocus_nm").contains("not a finite number");
        assertThat(SIM.physicalProblems(classOne("inf_job", Map.of("diffusion_nm", Double.POSITIVE_INFINITY))))
                .singleElement().asString().contains("diffusion_nm");
        assertThat(SIM.physicalProblems(classOne("text_job", Map.of("sigma_inner", "wide"))))
                .anySatisfy(s -> assertThat(s).contains("sigma_inner").contains("not a number"));
        assertThat(SIM.physicalProblems(classOne("ok_job", Map.of("defocus_nm", -40.0, "diffusion_nm", "2.5")))).isEmpty();
    }

    /**
     * Two-beam imaging (dipole poles at σ ≈ 0.5 for the class-1 pitch λ/NA: the ±1st orders sit
     * symmetrically in the pupil) has a depth of focus far beyond the FEM's ±1.5 λ/NA²: the window is
     * open at both edges, the output says the DoF is a lower bound, and a FEM over twice the range
     * (same focus step) indeed finds more. A conventional source on the same pattern is not flagged,
     * and the wider FEM finds the same DoF.
     */
    @Test
    void depthOfFocusClippedByTheFocusRangeIsALowerBound() {
        PhysicsSimulatorProperties.Fem f = PROPS.fem();
        PhysicsSimulator wide = new PhysicsSimulator(PROPS.withFem(new PhysicsSimulatorProperties.Fem(
                2 * f.focusPoints() - 1, f.dosePoints(), 2 * f.focusRangeRayleigh(), f.doseStep(), f.cdTolerance(),
                f.exposureLatitudePct())));
        double range = 2 * f.focusRangeRayleigh() * 13.5 / (0.33 * 0.33);

        JobParameters twoBeam = TestJobs.job("two_beam", 0.33, 13.5, 30, 0.6, 1, PatternComplexity.SIMPLE, false, 2.0,
                Map.of("illumination", "dipole_x", "sigma_inner", 0.4));
        SimulationResult clipped = SIM.runJob(twoBeam);
        assertThat(clipped.outputs().depthOfFocusLowerBound()).isTrue();
        assertThat(clipped.outputs().depthOfFocusNm()).isCloseTo(range, within(1e-6 * range));

        double wider = wide.runJob(twoBeam).outputs().depthOfFocusNm();
        JobParameters conventional = classOne("conventional", Map.of());
        SimulationResult exact = SIM.runJob(conventional);
        double exactWide = wide.runJob(conventional).outputs().depthOfFocusNm();
        System.out.printf(java.util.Locale.ROOT, "two-beam DoF %.1f nm (lower bound; twice the range: %.1f nm), "
                + "conventional DoF %.1f nm (twice the range: %.1f nm), FEM range %.1f nm%n",
                clipped.outputs().depthOfFocusNm(), wider, exact.outputs().depthOfFocusNm(), exactWide, range);
        assertThat(exact.outputs().depthOfFocusLowerBound()).isNull();
        assertThat(exact.outputs().depthOfFocusNm()).isBetween(0.1 * range, 0.9 * range);
        assertThat(wider).isGreaterThan(1.2 * clipped.outputs().depthOfFocusNm());
        assertThat(exactWide).isCloseTo(exact.outputs().depthOfFocusNm(), within(0.02 * exact.outputs().depthOfFocusNm()));
    }
}
