package dev.lto.simulator.physics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs {@link PhysicsBenchmark} inside the test JVM, so that the reactor (-am) builds the contracts
 * of this checkout: {@code ./mvnw -o -q -B -pl simulator-adapters -am test -Dtest=PhysicsBenchmarkRun
 * -Dlto.benchmark=true -Dsurefire.failIfNoSpecifiedTests=false} (-Dlto.benchmark.reps=5). Off by default.
 */
@EnabledIfSystemProperty(named = "lto.benchmark", matches = "true")
class PhysicsBenchmarkRun {

    @Test
    void benchmark() throws Exception {
        PhysicsBenchmark.main(new String[] {String.valueOf(Integer.getInteger("lto.benchmark.reps", 5))});
    }
}
