package dev.lto.engine.drift;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints docs/ml.md §12's table (false alarms and detection of a 0.5σ shift per window size: the
 * simulated threshold, the χ² limit, a fixed PSI 0.2). Not part of the build (it takes a minute):
 * {@code ./mvnw -o -B -q -pl tradeoff-engine -am test -Dtest=DriftCurvesTest -Dsurefire.failIfNoSpecifiedTests=false -Ddrift.curves=true}
 */
@EnabledIfSystemProperty(named = "drift.curves", matches = "true")
class DriftCurvesTest {

    @Test
    void printCurves() {
        PsiThresholds thresholds = new PsiThresholds();
        StringBuilder out = new StringBuilder("""
                | n | threshold (ours) | χ² limit | false alarms: ours | χ² limit | fixed 0.2 | detection of 0.5σ: ours | χ² limit | fixed 0.2 |
                | --- | --- | --- | --- | --- | --- | --- | --- | --- |
                """);
        for (int n : new int[] {50, 100, 200, 300, 500, 1_000, 2_000, 5_000}) {
            var none = DriftTrials.run(thresholds, n, 2_000, 0, 0.2, 101L * n);
            var shift = DriftTrials.run(thresholds, n, 2_000, 0.5, 0.2, 103L * n);
            out.append(String.format("| %,d | %.4f | %.4f | %.2f%% | %.2f%% | %.2f%% | %.1f%% | %.1f%% | %.1f%% |%n", n, none.threshold(),
                    none.chiSquareThreshold(), 100 * none.ours(), 100 * none.chiSquare(), 100 * none.fixed(), 100 * shift.ours(),
                    100 * shift.chiSquare(), 100 * shift.fixed()));
        }
        System.out.println(out);
    }
}
