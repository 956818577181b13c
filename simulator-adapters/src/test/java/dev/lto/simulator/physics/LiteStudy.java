package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Physics-lite against full fidelity on random jobs over the contract ranges, at several lite
 * fidelities: accuracy (share of (job, signal) pairs within 0.05), on critical jobs too, max error,
 * time per job. Run: -Dlto.study=true -Dlto.study.jobs=100 (writes target/lite-study.txt).
 */
@EnabledIfSystemProperty(named = "lto.study", matches = "true")
class LiteStudy {

    @Test
    void liteVersusFull() throws Exception {
        int jobs = Integer.getInteger("lto.study.jobs", 100);
        PhysicsSimulatorProperties full = PhysicsSimulatorProperties.defaults();
        PhysicsSimulator fullSim = new PhysicsSimulator(full);
        int[][] levels = {{60, 256, 5}, {120, 512, 5}, {250, 1024, 5}};
        List<PhysicsSimulator> lites = new ArrayList<>();
        for (int[] l : levels) {
            lites.add(new PhysicsSimulator(full.withLite(new PhysicsSimulatorProperties.Lite(l[0], l[1], l[2]))));
        }
        SplittableRandom r = new SplittableRandom(4242);
        int[] ok = new int[levels.length];
        int[] okCrit = new int[levels.length];
        int[] covered = new int[levels.length];
        double[] maxErr = new double[levels.length];
        double[] liteSeconds = new double[levels.length];
        int pairs = 0;
        int critPairs = 0;
        double fullSeconds = 0;
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < jobs; i++) {
            JobParameters p = SignalCompositionTest.randomJob(r, i);
            long t = System.nanoTime();
            SimulationResult truth = fullSim.runJob(p);
            fullSeconds += (System.nanoTime() - t) / 1e9;
            double[] v = truth.tradeoffSignals().toArray();
            boolean critical = v[4] >= 0.5 || v[5] <= 0.4 || truth.outputs().k1() < 0.3;
            pairs += v.length;
            critPairs += critical ? v.length : 0;
            for (int l = 0; l < levels.length; l++) {
                LiteEstimate e = lites.get(l).estimateSignals(p).orElseThrow();
                liteSeconds[l] += e.computeSeconds();
                double[] w = e.signals().toArray();
                for (int k = 0; k < v.length; k++) {
                    double err = Math.abs(w[k] - v[k]);
                    maxErr[l] = Math.max(maxErr[l], err);
                    ok[l] += err <= 0.05 ? 1 : 0;
                    okCrit[l] += critical && err <= 0.05 ? 1 : 0;
                    covered[l] += err <= Math.max(0.05, e.errorEstimate()[k]) ? 1 : 0;
                }
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d random jobs (seed 4242), full fidelity %.2f s/job%n", jobs, fullSeconds / jobs));
        for (int l = 0; l < levels.length; l++) {
            out.append(String.format(Locale.ROOT,
                    "lite %d pts / %d px / %d focus: accuracy %.1f%% (critical %.1f%% of %d pairs), max |err| %.3f, "
                            + "|err| <= max(0.05, errorEstimate) %.1f%%, %.3f s/job%n",
                    levels[l][0], levels[l][1], levels[l][2], 100.0 * ok[l] / pairs,
                    critPairs == 0 ? Double.NaN : 100.0 * okCrit[l] / critPairs, critPairs, maxErr[l],
                    100.0 * covered[l] / pairs, liteSeconds[l] / jobs));
        }
        System.out.print(out);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/lite-study.txt"), out.toString() + rows);
    }
}
