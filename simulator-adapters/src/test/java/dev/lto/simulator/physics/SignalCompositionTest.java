package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.SignalIntermediates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The signals decompose exactly: composeSignals(p, intermediatesOf(runJob(p))) == runJob(p)'s
 * signals for random jobs over the contract ranges, and the cost terms alone give
 * speed_vs_accuracy. The identity must hold for any configuration, so the simulator runs a cheap one
 * (128-px mask cap, 0.2 σ source lattice, 3 focus points, K ≤ 8).
 */
class SignalCompositionTest {

    static final PhysicsSimulatorProperties CHEAP = PhysicsSimulatorProperties.defaults()
            .withGrid(new PhysicsSimulatorProperties.Grid(16, 2.5, 128))
            .withSource(new PhysicsSimulatorProperties.Source(0.2, 8, 256))
            .withSocs(new PhysicsSimulatorProperties.Socs(8, 4, 1))
            .withFem(new PhysicsSimulatorProperties.Fem(3, 3, 1.5, 0.04, 0.10, 5));
    static final PhysicsSimulator SIM = new PhysicsSimulator(CHEAP);
    static final List<JobParameters> JOBS = new ArrayList<>();
    static final List<SimulationResult> RESULTS = new ArrayList<>();

    static JobParameters randomJob(SplittableRandom r, int i) {
        double[] lines = {13.5, 193, 248, 365};
        double lambda = r.nextBoolean() ? lines[r.nextInt(4)] : Math.exp(r.nextDouble(Math.log(10), Math.log(400)));
        Map<String, Object> md = new HashMap<>();
        String[] shapes = {"conventional", "annular", "dipole", "dipole_y", "quasar"};
        md.put("illumination", shapes[r.nextInt(shapes.length)]);
        if (r.nextInt(4) == 0) {
            md.put("defocus_nm", r.nextDouble(-1, 1) * lambda / 0.1);
        }
        return new JobParameters(String.format(Locale.ROOT, "cmp_%03d", i), r.nextDouble(0.1, 0.55), lambda,
                Math.exp(r.nextDouble(0, Math.log(100))), r.nextDouble(0.1, 1.0),
                Math.exp(r.nextDouble(Math.log(5), Math.log(200))), Math.exp(r.nextDouble(Math.log(0.1), Math.log(10))),
                PatternComplexity.values()[r.nextInt(PatternComplexity.values().length)], r.nextBoolean(),
                1 + r.nextInt(20), null, null, null, md);
    }

    @BeforeAll
    static void run() {
        SplittableRandom r = new SplittableRandom(20261203);
        for (int i = 0; i < 200; i++) {
            JobParameters p = randomJob(r, i);
            JOBS.add(p);
            RESULTS.add(SIM.runJob(p));
        }
    }

    @Test
    void signalsRecomposeExactlyFromTheIntermediates() {
        int surrogate = 0;
        for (int i = 0; i < JOBS.size(); i++) {
            SimulationResult res = RESULTS.get(i);
            SignalIntermediates in = SIM.intermediatesOf(res).orElseThrow();
            TradeoffSignals again = SIM.composeSignals(JOBS.get(i), in).orElseThrow();
            double[] a = again.toArray();
            double[] b = res.tradeoffSignals().toArray();
            for (int k = 0; k < a.length; k++) {
                assertThat(a[k]).as("%s %s %s", JOBS.get(i), TradeoffSignals.NAMES.get(k), in)
                        .isCloseTo(b[k], org.assertj.core.api.Assertions.within(1e-9));
            }
            surrogate += JOBS.get(i).useAiSurrogate() ? 1 : 0;
        }
        assertThat(surrogate).isBetween(50, 150); // both paths exercised
    }

    @Test
    void costTermsAloneGiveSpeedVsAccuracy() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < JOBS.size(); i++) {
            SignalIntermediates any = new SignalIntermediates(r.nextDouble(), r.nextDouble(0, 5000), r.nextDouble(),
                    r.nextDouble(0, 5));
            double speed = SIM.composeSignals(JOBS.get(i), any).orElseThrow().speedVsAccuracy();
            assertThat(speed).as("%s", JOBS.get(i))
                    .isCloseTo(RESULTS.get(i).tradeoffSignals().speedVsAccuracy(), org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void nanIntermediatesAreRefusedNotZeroed() {
        assertThatThrownBy(() -> SIM.composeSignals(JOBS.get(0), new SignalIntermediates(Double.NaN, 100, 1e-9, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> SIM.composeSignals(JOBS.get(0), new SignalIntermediates(0.5, 100, 1e-9, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void intermediatesOfForeignAdaptersAreEmpty() {
        SimulationResult r = RESULTS.get(0);
        SimulationResult foreign = new SimulationResult(r.jobId(), r.parameters(), r.outputs(), r.tradeoffSignals(),
                r.computeStats(), r.timestamp(), "x-1", "prolith");
        assertThat(SIM.intermediatesOf(foreign)).isEmpty();
    }
}
