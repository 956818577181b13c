package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.SurrogateAudit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Audit cost per audited job at the service's default configuration (docs/benchmarks.md, "Surrogate
 * audit"): each job runs once on its surrogate path (as in production, so its SOCS kernels are in the
 * cache when the audit comes), then is audited 5 times; the median audit wall time, its Abbe share
 * and the job's own wall time are printed. Off by default:
 * {@code ./mvnw -o -q -B -pl simulator-adapters -am test -Dtest=SurrogateAuditBenchmark -Dlto.benchmark=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "lto.benchmark", matches = "true")
class SurrogateAuditBenchmark {

    @Test
    void auditCostPerJob() {
        PhysicsSimulator sim = new PhysicsSimulator(PhysicsSimulatorProperties.defaults());
        List<JobParameters> jobs = List.of(
                TestJobs.job("bench_euv_c1", 0.33, 13.5, 30, 0.8, 1, PatternComplexity.MODERATE, true, 2.0, Map.of()),
                TestJobs.job("bench_euv_c15_annular", 0.33, 13.5, 30, 0.8, 15, PatternComplexity.MODERATE, true, 1.0,
                        Map.of("illumination", "annular")),
                TestJobs.job("bench_arf_c1", 1.35, 193, 30, 0.8, 1, PatternComplexity.MODERATE, true, 4.0, Map.of()),
                TestJobs.job("bench_arf_c10_quasar", 1.35, 193, 30, 0.9, 10, PatternComplexity.COMPLEX, true, 4.0,
                        Map.of("illumination", "quasar")));
        StringBuilder out = new StringBuilder("| job | job wall s (SOCS) | audit s (median of 5) | of which Abbe s | image px | source pts"
                + " | RMSE | nominal RMSE |\n|---|---|---|---|---|---|---|---|\n");
        for (JobParameters p : jobs) {
            SimulationResult r = sim.runJob(p);
            double[] total = new double[5];
            double[] abbe = new double[5];
            SurrogateAudit a = null;
            for (int i = 0; i < total.length; i++) {
                a = sim.auditSurrogate(p).orElseThrow();
                total[i] = a.seconds();
                abbe[i] = a.abbeSeconds();
            }
            Arrays.sort(total);
            Arrays.sort(abbe);
            out.append(String.format(Locale.ROOT, "| %s (class %d, λ %.1f, NA %.2f) | %.2f | %.3f | %.3f | %d | %d | %.5f | %.5f |%n",
                    p.jobId(), p.jobClass(), p.wavelengthNm(), p.na(), r.computeStats().computeTimeS(), total[2], abbe[2], a.imagePx(),
                    r.computeStats().sourcePoints(), a.rmse(), a.nominalRmse()));
        }
        System.out.println(out);
    }
}
