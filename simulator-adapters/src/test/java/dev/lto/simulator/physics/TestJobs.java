package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import java.util.Map;

/** Job builders and a lighter configuration for tests (coarser source, same physics). */
final class TestJobs {

    private TestJobs() {
    }

    /** Defaults with a 0.1 σ source pitch: ~200 points instead of ~800, enough for every assertion here. */
    static PhysicsSimulatorProperties fastProps() {
        PhysicsSimulatorProperties d = PhysicsSimulatorProperties.defaults();
        return d.withSource(new PhysicsSimulatorProperties.Source(0.1, 8, 256))
                .withSocs(new PhysicsSimulatorProperties.Socs(24, 12, 1));
    }

    static JobParameters job(String id, double na, double lambda, double dose, double sigma, int cls,
                             PatternComplexity c, boolean surrogate, double gridNm, Map<String, Object> md) {
        return new JobParameters(id, na, lambda, dose, sigma, 30.0, gridNm, c, surrogate, cls, null, null, null, md);
    }

    static JobParameters euv(String id, boolean surrogate, Map<String, Object> md) {
        return job(id, 0.33, 13.5, 30.0, 0.8, 1, PatternComplexity.MODERATE, surrogate, 2.0, md);
    }
}
