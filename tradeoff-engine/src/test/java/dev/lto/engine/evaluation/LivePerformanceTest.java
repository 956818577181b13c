package dev.lto.engine.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lto.engine.evaluation.LivePerformance.Observation;
import dev.lto.engine.evaluation.LivePerformance.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivePerformanceTest {

    private static final Instant DAY1 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-03T09:00:00Z");

    /** A sound, non-critical job: yield_risk 0.1, overall_health 0.8; prediction = truth + {@code off} on every signal. */
    private static Observation job(String id, Instant at, double off, double halfWidth) {
        double[] actual = {0.5, 0.5, 0.5, 0.5, 0.1, 0.8};
        return observation(id, at, actual, off, halfWidth, 0.5);
    }

    private static Observation observation(String id, Instant at, double[] actual, double off, double halfWidth, double k1) {
        double[] p = new double[6];
        double[] lo = new double[6];
        double[] hi = new double[6];
        for (int j = 0; j < 6; j++) {
            p[j] = actual[j] + off;
            lo[j] = p[j] - halfWidth;
            hi[j] = p[j] + halfWidth;
        }
        return new Observation(id, "v1", at, p, lo, hi, actual, k1);
    }

    @Test
    void accuracyCoverageAndWidthFollowMlMdDefinitions() {
        List<Observation> jobs = List.of(
                job("a", DAY1, 0.01, 0.02),   // accurate, inside, width 0.04
                job("b", DAY1, 0.04, 0.02),   // accurate (0.04 ≤ 0.05), outside (0.04 > 0.02), width 0.04
                job("c", DAY1, 0.10, 0.20),   // inaccurate, inside, width 0.40
                job("d", DAY1, -0.06, 0.01)); // inaccurate, outside, width 0.02
        Window w = LivePerformance.of("all", jobs);
        assertThat(w.jobs()).isEqualTo(4);
        assertThat(w.accuracy()).isCloseTo(0.5, within(1e-12));
        assertThat(w.coverage()).isCloseTo(0.5, within(1e-12));
        assertThat(w.meanWidth()).isCloseTo((0.04 + 0.04 + 0.40 + 0.02) / 4, within(1e-12));
        assertThat(w.criticalJobs()).isZero();
        assertThat(w.criticalAccuracy()).isNull();
        assertThat(w.signals()).hasSize(6).allSatisfy(s -> {
            assertThat(s.accuracy()).isCloseTo(0.5, within(1e-12));
            assertThat(s.coverage()).isCloseTo(0.5, within(1e-12));
        });
        assertThat(w.from()).isEqualTo(DAY1);
    }

    @Test
    void theToleranceOf005AppliesPerSignal() {
        double[] actual = {0.5, 0.5, 0.5, 0.5, 0.1, 0.8};
        Observation o = observation("x", DAY1, actual, 0, 0.01, 0.5);
        o.predicted()[2] = 0.5 + 0.0499;    // inside the tolerance: accurate
        o.predicted()[3] = 0.5 + 0.0501;    // just beyond: not accurate
        Window w = LivePerformance.of("one", List.of(o));
        assertThat(w.signals().get(2).accuracy()).isEqualTo(1.0);
        assertThat(w.signals().get(3).accuracy()).isEqualTo(0.0);
        assertThat(w.accuracy()).isCloseTo(5 / 6.0, within(1e-12));
    }

    @Test
    void criticalAccuracyCountsOnlyJobsCriticalByTheirActualSignals() {
        double[] critical = {0.5, 0.5, 0.5, 0.5, 0.7, 0.3}; // yield_risk ≥ 0.5
        double[] lowK1 = {0.5, 0.5, 0.5, 0.5, 0.1, 0.8};    // critical through k₁ < 0.3
        List<Observation> jobs = List.of(
                observation("crit-miss", DAY1, critical, 0.2, 0.3, 0.5),
                observation("crit-ok", DAY1, lowK1, 0.0, 0.01, 0.25),
                job("sound-ok", DAY1, 0.0, 0.01));
        Window w = LivePerformance.of("all", jobs);
        assertThat(w.criticalJobs()).isEqualTo(2);
        assertThat(w.criticalAccuracy()).isCloseTo(0.5, within(1e-12));
        assertThat(w.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        // Per signal: of the two critical jobs one is off by 0.2 on every signal, one exact.
        assertThat(w.signals()).allSatisfy(s -> {
            assertThat(s.criticalAccuracy()).isCloseTo(0.5, within(1e-12));
            assertThat(s.mae()).isCloseTo(0.2 / 3, within(1e-12));
        });
        assertThat(LivePerformance.of("sound", List.of(job("s", DAY1, 0.0, 0.01))).signals().get(0).criticalAccuracy()).isNull();
    }

    @Test
    void lastNTakesTheMostRecentlyEvaluatedJobs() {
        List<Observation> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // The five oldest are wrong, the five newest right.
            jobs.add(job("j" + i, DAY1.plusSeconds(60L * i), i < 5 ? 0.3 : 0.0, 0.01));
        }
        java.util.Collections.shuffle(jobs, new java.util.Random(3));
        Window w = LivePerformance.lastN(jobs, 5);
        assertThat(w.window()).isEqualTo("last_5");
        assertThat(w.jobs()).isEqualTo(5);
        assertThat(w.accuracy()).isEqualTo(1.0);
        assertThat(w.from()).isEqualTo(DAY1.plusSeconds(300));
        assertThat(LivePerformance.lastN(jobs, 100).jobs()).isEqualTo(10);
        assertThatThrownBy(() -> LivePerformance.lastN(jobs, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void perDaySplitsByUtcDay() {
        List<Observation> jobs = List.of(job("a", DAY2, 0.3, 0.01), job("b", DAY1, 0.0, 0.01), job("c", DAY1, 0.0, 0.01));
        List<Window> days = LivePerformance.perDay(jobs);
        assertThat(days).extracting(Window::window).containsExactly("2026-12-02", "2026-12-03");
        assertThat(days.get(0).jobs()).isEqualTo(2);
        assertThat(days.get(0).accuracy()).isEqualTo(1.0);
        assertThat(days.get(1).accuracy()).isEqualTo(0.0);
    }

    @Test
    void anEmptyWindowSaysSoWithNaN() {
        Window w = LivePerformance.of("none", List.of());
        assertThat(w.jobs()).isZero();
        assertThat(w.accuracy()).isNaN();
        assertThat(w.coverage()).isNaN();
        assertThat(w.criticalAccuracy()).isNull();
    }
}
