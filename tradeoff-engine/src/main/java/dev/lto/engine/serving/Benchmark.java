package dev.lto.engine.serving;

import dev.lto.engine.EngineApi;
import dev.lto.engine.models.Stage;
import dev.lto.engine.models.TradeoffModel;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latency and throughput of the serving paths, measured in-process after warm-up: the first stage
 * alone ({@link TradeoffEngine#screen}: features, the three models, composition, intervals, flags,
 * contract objects) one job at a time, with SHAP, and in batches; and the whole cascade
 * ({@link TradeoffEngine#predict}) one job at a time over held-out jobs, where the jobs routed to
 * physics-lite pay for a reduced-fidelity simulation.
 */
@EngineApi
public final class Benchmark {

    public record Result(@JsonProperty("model_version") String modelVersion,
                  @JsonProperty("first_stage_p50_ms") double singleP50, @JsonProperty("first_stage_p99_ms") double singleP99,
                  @JsonProperty("first_stage_iterations") int singleIterations,
                  @JsonProperty("shap_p50_ms") double shapP50, @JsonProperty("shap_p99_ms") double shapP99,
                  @JsonProperty("shap_iterations") int shapIterations,
                  @JsonProperty("batch_size") int batchSize,
                  @JsonProperty("first_stage_batch_per_s") double batchPerSecond,
                  @JsonProperty("cascade_p50_ms") double cascadeP50, @JsonProperty("cascade_p99_ms") double cascadeP99,
                  @JsonProperty("cascade_jobs") int cascadeJobs,
                  @JsonProperty("cascade_first_stage_share") double cascadeFirstShare,
                  @JsonProperty("physics_lite_p50_ms") double liteP50, @JsonProperty("physics_lite_p99_ms") double liteP99,
                  @JsonProperty("mc_passes") int mcPasses, @JsonProperty("gp_points") int gpPoints,
                  @JsonProperty("available_processors") int processors,
                  @JsonProperty("load_average_1m") double loadAverage) {
    }

    private Benchmark() {
    }

    /** {@code jobs} for the first stage; {@code heldOut} (never trained on) for the cascade. */
    public static Result run(TradeoffEngine service, List<JobParameters> jobs, List<JobParameters> heldOut, int singles, int shaps,
                      int batchSize, int batches, int cascadeJobs) {
        for (int i = 0; i < 300; i++) {
            service.screen(List.of(jobs.get(i % jobs.size())), false);
        }
        double[] single = time(singles, i -> service.screen(List.of(jobs.get(i % jobs.size())), false).orElseThrow());
        double[] shap = time(shaps, i -> service.screen(List.of(jobs.get(i % jobs.size())), true).orElseThrow());
        List<JobParameters> batch = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            batch.add(jobs.get(i % jobs.size()));
        }
        service.screen(batch, false);
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            service.screen(batch, false);
        }
        double perSecond = (double) batchSize * batches / ((System.nanoTime() - t0) / 1e9);
        // The cascade, one held-out job at a time, as preflight calls it; the lite jobs timed apart as well.
        int n = Math.min(cascadeJobs, heldOut.size());
        double[] cascade = new double[n];
        List<Double> lite = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            TradeoffEstimate e = service.predict(List.of(heldOut.get(i)), false, () -> "no model").getFirst();
            cascade[i] = (System.nanoTime() - t) / 1e6;
            if (Stage.FIRST_STAGE.wire().equals(e.answeredBy())) {
                first++;
            } else {
                lite.add(cascade[i]);
            }
        }
        Arrays.sort(cascade);
        double[] liteMs = lite.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        TradeoffModel m = service.serving().orElseThrow().model();
        return new Result(m.version, pct(single, 50), pct(single, 99), singles, pct(shap, 50), pct(shap, 99), shaps,
                batchSize, Math.round(perSecond), pct(cascade, 50), pct(cascade, 99), n,
                Math.round(1e4 * first / Math.max(1, n)) / 1e4, pct(liteMs, 50), pct(liteMs, 99),
                m.calibration.mcPasses(), m.gp.size(), Runtime.getRuntime().availableProcessors(),
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
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] * 1000) / 1000.0;
    }
}
