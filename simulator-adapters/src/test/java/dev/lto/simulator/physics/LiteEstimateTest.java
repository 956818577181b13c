package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * Physics-lite on a small fixed set of cheap jobs (both paths, several shapes and classes): its
 * signals are within 0.05 of the full run's on ≥ 95 % of (job, signal) pairs, they are exactly the
 * composition of its own intermediates, and the lite run emits no progress and keeps no pictures.
 */
class LiteEstimateTest {

    static final PhysicsSimulator SIM = new PhysicsSimulator(PhysicsSimulatorProperties.defaults());

    static List<JobParameters> jobs() {
        List<JobParameters> j = new ArrayList<>();
        j.add(TestJobs.job("lite_01", 0.33, 13.5, 30, 0.8, 1, PatternComplexity.MODERATE, false, 2.0, Map.of()));
        j.add(TestJobs.job("lite_02", 0.33, 13.5, 20, 0.8, 3, PatternComplexity.SIMPLE, true, 2.0, Map.of()));
        j.add(TestJobs.job("lite_03", 0.55, 13.5, 40, 0.9, 15, PatternComplexity.MODERATE, true, 1.5,
                Map.of("illumination", "annular")));
        j.add(TestJobs.job("lite_04", 0.5, 193, 25, 0.7, 9, PatternComplexity.SIMPLE, false, 8.0, Map.of()));
        j.add(TestJobs.job("lite_05", 0.45, 248, 30, 0.6, 6, PatternComplexity.COMPLEX, true, 10.0,
                Map.of("illumination", "dipole")));
        j.add(TestJobs.job("lite_06", 0.25, 193, 50, 0.5, 12, PatternComplexity.SIMPLE, false, 10.0,
                Map.of("illumination", "quasar")));
        j.add(TestJobs.job("lite_07", 0.33, 13.5, 60, 0.4, 18, PatternComplexity.EXTREME, false, 2.0, Map.of()));
        j.add(TestJobs.job("lite_08", 0.4, 13.5, 15, 1.0, 4, PatternComplexity.SIMPLE, true, 1.5,
                Map.of("defocus_nm", 20.0)));
        j.add(TestJobs.job("lite_09", 0.3, 365, 80, 0.3, 20, PatternComplexity.SIMPLE, false, 10.0, Map.of()));
        j.add(TestJobs.job("lite_10", 0.5, 13.5, 30, 0.8, 10, PatternComplexity.MODERATE, false, 1.0, Map.of()));
        return j;
    }

    @Test
    void liteSignalsAreCloseToFullAndComposeFromTheirIntermediates() {
        int pairs = 0;
        int within = 0;
        StringBuilder report = new StringBuilder();
        for (JobParameters p : jobs()) {
            TradeoffSignals full = SIM.runJob(p).tradeoffSignals();
            List<MetricSnapshot> seen = new CopyOnWriteArrayList<>();
            Disposable d = SIM.streamMetrics().subscribe(seen::add);
            LiteEstimate lite;
            try {
                lite = SIM.estimateSignals(p.withJobId(p.jobId() + "_lite")).orElseThrow();
            } finally {
                d.dispose();
            }
            assertThat(seen).as("lite emits no progress").isEmpty();
            assertThat(SIM.artifacts(p.jobId() + "_lite")).as("lite keeps no pictures").isEmpty();
            double[] a = lite.signals().toArray();
            double[] b = full.toArray();
            double[] again = SIM.composeSignals(p, lite.intermediates()).orElseThrow().toArray();
            assertThat(lite.errorEstimate()).hasSize(6);
            for (double e : lite.errorEstimate()) {
                assertThat(e).isBetween(0.0, 1.0);
            }
            assertThat(lite.fidelity()).startsWith("lite-").endsWith("-5f");
            for (int k = 0; k < a.length; k++) {
                assertThat(again[k]).isCloseTo(a[k], within(1e-12));
                pairs++;
                within += Math.abs(a[k] - b[k]) <= 0.05 ? 1 : 0;
            }
            report.append(String.format(Locale.ROOT, "%s %s %.3fs full %s lite %s err %s%n", p.jobId(), lite.fidelity(),
                    lite.computeSeconds(), java.util.Arrays.toString(round(b)), java.util.Arrays.toString(round(a)),
                    java.util.Arrays.toString(round(lite.errorEstimate()))));
        }
        System.out.print(report);
        assertThat((double) within / pairs).as(report.toString()).isGreaterThanOrEqualTo(0.95);
    }

    private static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i] * 1000) / 1000.0;
        }
        return r;
    }
}
