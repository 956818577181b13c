package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Per-stage CPU of the simulator on the job mix of the pipeline benchmark
 * (intelligence-service/bench/pipeline-benchmark.sh: EUV and ArF, NA 0.33/0.4/0.5, dose 20–60, class
 * 1–3, σ 0.8, defaults otherwise), surrogate and Abbe paths, after a warm-up pass over the same mix
 * (so SOCS kernels are cached, as in a steady pipeline). CPU is the process' (every thread), per
 * job, split by {@link StageClock}. Run: -Dlto.study=true [-Dlto.study.jobs=30] (writes
 * target/throughput-study.txt).
 */
@EnabledIfSystemProperty(named = "lto.study", matches = "true")
class ThroughputStudy {

    /** The n-th job of the pipeline benchmark's mix. */
    static JobParameters benchJob(int n, boolean surrogate) {
        double na = new double[] {0.33, 0.4, 0.5}[n % 3];
        double lambda = new double[] {13.5, 193}[n % 2];
        return new JobParameters("job_study" + n, na, lambda, 20.0 + n % 5 * 10, 0.8, null, null, null, surrogate,
                1 + n % 3, null, null, null, Map.of());
    }

    @Test
    void stageSplit() throws Exception {
        int jobs = Integer.getInteger("lto.study.jobs", 30);
        PhysicsSimulator sim = new PhysicsSimulator(PhysicsSimulatorProperties.defaults());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Throughput study, %d jobs per path, %d cores, load %s%n", jobs,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim()));
        for (boolean surrogate : new boolean[] {true, false}) {
            // Warm-up: JIT, libtorch, and (surrogate) the kernels of every optical setting of the mix.
            for (int i = 0; i < Math.min(jobs, 6) + 6; i++) {
                sim.runJob(benchJob(i, surrogate));
            }
            List<String> perJob = new ArrayList<>();
            StageClock clock = StageClock.startOnThisThread();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            try {
                for (int i = 0; i < jobs; i++) {
                    long c = os.getProcessCpuTime();
                    clock.lap();
                    SimulationResult r = sim.runJob(benchJob(i, surrogate));
                    // What the intelligence service does at "done": render the three pictures (stored as PNG).
                    var art = sim.artifacts(r.jobId()).orElseThrow();
                    art.aerialPng();
                    art.resistPng();
                    art.bossungPng();
                    StageClock.mark("pictures (3 PNGs)");
                    perJob.add(String.format(Locale.ROOT, "  %s λ %.1f NA %.2f class %d: %.0f ms CPU, mask %d², image %d², DoF %.4f",
                            r.computeStats().imagingPath(), r.parameters().wavelengthNm(), r.parameters().na(),
                            r.parameters().jobClass(), (os.getProcessCpuTime() - c) / 1e6, r.computeStats().gridPx(),
                            r.computeStats().imageGridPx(), r.outputs().depthOfFocusNm()));
                }
            } finally {
                StageClock.stopOnThisThread();
            }
            double cpuPerJob = (os.getProcessCpuTime() - cpu0) / 1e6 / jobs;
            double wallPerJob = (System.nanoTime() - wall0) / 1e6 / jobs;
            out.append(String.format(Locale.ROOT, "%n### %s path: %.1f ms process CPU / job, %.1f ms wall / job%n%n",
                    surrogate ? "surrogate (SOCS)" : "Abbe", cpuPerJob, wallPerJob));
            out.append("| stage | CPU ms / job | share | wall ms / job |\n| --- | --- | --- | --- |\n");
            long total = clock.stages().values().stream().mapToLong(v -> v[0]).sum();
            clock.stages().forEach((k, v) -> out.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f %% | %.1f |%n",
                    k, v[0] / 1e6 / jobs, 100.0 * v[0] / total, v[1] / 1e6 / jobs)));
            perJob.forEach(l -> out.append(l).append('\n'));
            // physics-lite (the cascade's second stage, run by the orchestrator for unsure predictions)
            long c = os.getProcessCpuTime();
            for (int i = 0; i < jobs; i++) {
                sim.estimateSignals(benchJob(i, surrogate));
            }
            out.append(String.format(Locale.ROOT, "physics-lite: %.1f ms process CPU / job%n", (os.getProcessCpuTime() - c) / 1e6 / jobs));
        }
        System.out.println(out);
        Files.writeString(Path.of("target/throughput-study.txt"), out);
    }
}
