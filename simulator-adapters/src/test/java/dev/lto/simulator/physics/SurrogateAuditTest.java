package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.SurrogateAudit;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit flow's re-run ({@link PhysicsSimulator#auditSurrogate}): what it measures and what it leaves alone. */
class SurrogateAuditTest {

    private final PhysicsSimulator sim = new PhysicsSimulator(TestJobs.fastProps());

    @Test
    void measuresTheSameImageErrorAsTheInJobAuditAndLeavesTheJobAlone() {
        JobParameters job = TestJobs.euv("job_sa_1", true, Map.of());
        SimulationResult before = sim.runJob(job);
        SurrogateAudit a = sim.auditSurrogate(job).orElseThrow();
        SimulationResult after = sim.runJob(job);
        // The job's own result is the same with or without an audit in between.
        assertThat(after.outputs()).isEqualTo(before.outputs());
        assertThat(after.tradeoffSignals()).isEqualTo(before.tradeoffSignals());
        assertThat(before.outputs().surrogateRmse()).isNull();

        // The same comparison the simulator makes inside a job asked to audit itself (metadata.audit).
        SimulationResult inJob = sim.runJob(TestJobs.euv("job_sa_1", true, Map.of("audit", true)));
        assertThat(a.rmse()).isCloseTo(inJob.outputs().surrogateRmse(), org.assertj.core.data.Offset.offset(1e-7));
        assertThat(a.rmse()).isGreaterThan(0).isLessThan(0.1);
        assertThat(a.nominalRmse()).isGreaterThan(0);
        assertThat(a.abbeSeconds()).isPositive().isLessThanOrEqualTo(a.seconds());
        assertThat(a.imagePx()).isEqualTo(inJob.computeStats().imageGridPx());
        assertThat(a.simulatorVersion()).isEqualTo(PhysicsSimulator.VERSION);
        // Deterministic: a re-delivered audit measures the same.
        assertThat(sim.auditSurrogate(job).orElseThrow().rmse()).isEqualTo(a.rmse());
    }

    @Test
    void onlySurrogateJobsAreAudited() {
        assertThat(sim.auditSurrogate(TestJobs.euv("job_sa_2", false, Map.of()))).isEmpty();
    }

    @Test
    void fewerKernelsMeanALargerError() {
        JobParameters job = TestJobs.job("job_sa_3", 0.33, 13.5, 30, 0.8, 1, PatternComplexity.MODERATE, true, 2.0, Map.of());
        double many = sim.auditSurrogate(job).orElseThrow().rmse();
        PhysicsSimulator few = new PhysicsSimulator(TestJobs.fastProps().withSocs(new PhysicsSimulatorProperties.Socs(2, 12, 1)));
        double two = few.auditSurrogate(job).orElseThrow().rmse();
        System.out.printf(Locale.ROOT, "surrogate RMSE: %.5f with 24 kernels, %.5f with 2%n", many, two);
        assertThat(two).isGreaterThan(2 * many);
    }
}
