package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter's physical checks: a grid too coarse for the CD, a pitch below the optics' cut-off. */
class PhysicalChecksTest {

    private final PhysicsSimulator sim = new PhysicsSimulator(TestJobs.fastProps());

    private static JobParameters job(double na, double lambda, double sigma, double grid, int jobClass, Map<String, Object> md) {
        return new JobParameters("job_check", na, lambda, 30.0, sigma, 30.0, grid, null, true, jobClass, null, null, null, md);
    }

    @Test
    void theDefaultJobIsSound() {
        assertThat(sim.physicalProblems(JobParameters.of(0.33, 30))).isEmpty();
    }

    @Test
    void aGridOfMoreThanHalfTheCdIsTooCoarse() {
        // Class 4: k1 0.30, EUV at NA 0.55 → CD = 0.30·13.5/0.55 = 7.36 nm; limit CD/2 = 3.68 nm.
        assertThat(sim.physicalProblems(job(0.55, 13.5, 0.9, 3.6, 4, Map.of()))).isEmpty();
        assertThat(sim.physicalProblems(job(0.55, 13.5, 0.9, 3.8, 4, Map.of())))
                .singleElement().asString().contains("too coarse").contains("7.4 nm CD").contains("3.68 nm");
    }

    @Test
    void aDensePitchBelowTheCutOffOfItsIlluminationIsRefused() {
        // Class 20: dense lines at k1 0.25, pitch 0.5·λ/NA: imaged only with σ_outer ≥ 1.
        assertThat(sim.physicalProblems(job(0.33, 193, 0.9, 2, 20, Map.of())))
                .singleElement().asString().contains("below the optics' cut-off");
        assertThat(sim.physicalProblems(job(0.33, 193, 1.0, 2, 20, Map.of()))).isEmpty();
        // Class 4 (k1 0.30, pitch 0.6·λ/NA) needs σ ≥ 2/3: the σ_outer of an annular source counts.
        assertThat(sim.physicalProblems(job(0.33, 193, 0.6, 2, 4, Map.of()))).hasSize(1);
        assertThat(sim.physicalProblems(job(0.33, 193, 0.7, 2, 4, Map.of()))).isEmpty();
    }

    @Test
    void anIsolatedLineHasNoPitchToResolve() {
        // Class 7: isolated line at k1 0.32; at σ 0.1 a dense pitch of 0.64·λ/NA would be refused.
        assertThat(sim.physicalProblems(job(0.33, 193, 0.1, 2, 7, Map.of()))).isEmpty();
        assertThat(sim.physicalProblems(job(0.33, 193, 0.1, 2, 3, Map.of()))).hasSize(1);
    }

    @Test
    void anUnknownIlluminationIsAProblemNotACrash() {
        assertThat(sim.physicalProblems(job(0.33, 193, 0.8, 2, 1, Map.of("illumination", "hexapole"))))
                .singleElement().asString().startsWith("metadata:").contains("hexapole");
    }
}
