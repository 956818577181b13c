package dev.lto.intelligence.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency and throughput of the serving path ({@link ModelService#predict}: features, the three
 * models, intervals, flags, contract objects), measured in-process after warm-up: one job at a
 * time without and with SHAP, and batches.
 */
final class Benchmark {

    record Result(@JsonProperty("model_version") String modelVersion,
                  @JsonProperty("single_p50_ms") double singleP50, @JsonProperty("single_p99_ms") double singleP99,
                  @JsonProperty("single_iterations") int singleIterations,
                  @JsonProperty("shap_p50_ms") double shapP50, @JsonProperty("shap_p99_ms") double shapP99,
                  @JsonProperty("shap_iterations") int shapIterations,
                  @JsonProperty("batch_size") int batchSize,
                  @JsonProperty("batch_predictions_per_s") double batchPerSecond,
                  @JsonProperty("mc_passes") int mcPasses, @JsonProperty("gp_points") int gpPoints,
                  @JsonProperty("available_processors") int processors,
                  @JsonProperty("load_average_1m") double loadAverage) {
    }

    private Benchmark() {
    }

    static Result run(ModelService service, List<JobParameters> jobs, int singles, int shaps, int batchSize, int batches) {
        for (int i = 0; i < 300; i++) {
            service.predict(List.of(jobs.get(i % jobs.size())), i % 10 == 0);
        }
        double[] single = time(singles, i -> service.predict(List.of(jobs.get(i % jobs.size())), false));
        double[] shap = time(shaps, i -> service.predict(List.of(jobs.get(i % jobs.size())), true));
        List<JobParameters> batch = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            batch.add(jobs.get(i % jobs.size()));
        }
        service.predict(batch, false);
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            service.predict(batch, false);
        }
        double perSecond = (double) batchSize * batches / ((System.nanoTime() - t0) / 1e9);
        TradeoffModel m = service.serving().orElseThrow().model();
        return new Result(m.version, pct(single, 50), pct(single, 99), singles, pct(shap, 50), pct(shap, 99), shaps,
                batchSize, Math.round(perSecond), m.calibration.mcPasses(), m.gp.size(),
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double[] time(int n, java.util.function.IntConsumer f) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            f.accept(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] * 1000) / 1000.0;
    }
}
