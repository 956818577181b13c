package dev.lto.engine.models;

import dev.lto.engine.EngineApi;
import dev.lto.engine.features.FeatureEncoder;
import dev.lto.contracts.JobParameters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded first-stage model: feature encoder, XGBoost, MLP with MC dropout, GP, Mahalanobis OOD
 * test and the conformal calibration. Immutable once built, so promotion swaps one reference and
 * in-flight predictions finish on the model they started with.
 *
 * <p>The learners predict {@code targets}: the adapter's four physical intermediates (unit scores,
 * {@link dev.lto.simulator.spi.SignalIntermediates}) when a {@link SignalComposer} is present, else
 * the six signals. Per target t the ensemble mean is m = w_t·(xgb, mlp, gp), w_t fitted on validation
 * data; its scale is s_t = √(σ_mc² + σ_gp² + spread² + floor²) (MC-dropout sd, GP posterior sd, sd of the
 * three model means, a floor). Signals are composed from m; a signal's scale is the root sum of
 * squares of its change when each target moves by ±s_t (plus the floor). The 95% interval is
 * ŷ ± q_j·scale_j, q_j the split-conformal quantile of signal j, clipped to [0,1].
 */
@EngineApi
public final class TradeoffModel implements AutoCloseable {

    public final String version;
    public final FeatureEncoder encoder;
    public final XgbSignals xgb;
    public final MlpSignals mlp;
    public final EpistemicModel gp;
    public final Mahalanobis ood;
    public final Calibration calibration;
    /** Null when the learners predict the signals themselves. */
    public final SignalComposer composer;
    private final Set<String> unmodelledMetadata;

    public TradeoffModel(String version, FeatureEncoder encoder, XgbSignals xgb, MlpSignals mlp, EpistemicModel gp,
                  Mahalanobis ood, Calibration calibration, SignalComposer composer, Set<String> unmodelledMetadata) {
        this.version = version;
        this.encoder = encoder;
        this.xgb = xgb;
        this.mlp = mlp;
        this.gp = gp;
        this.ood = ood;
        this.calibration = calibration;
        this.composer = composer;
        this.unmodelledMetadata = Set.copyOf(unmodelledMetadata);
    }

    public TradeoffModel withCalibration(Calibration c) {
        return new TradeoffModel(version, encoder, xgb, mlp, gp, ood, c, composer, unmodelledMetadata);
    }

    /** Names of what the learners predict, in their output order. */
    public List<String> targets() {
        return composer == null ? dev.lto.contracts.TradeoffSignals.NAMES : dev.lto.simulator.spi.SignalIntermediates.NAMES;
    }

    /** Whether a job carries metadata the learners never saw (the campaign never varies it). */
    boolean unmodelled(JobParameters p) {
        return p.metadata().keySet().stream().anyMatch(unmodelledMetadata::contains);
    }

    /**
     * Every model's output for a batch in target space (ensemble mean and scale), the Mahalanobis D²,
     * and the composed signals with their scales; what calibration, validation and serving share.
     */
    public record Components(double[][] xgb, double[][] mlpMean, double[][] mlpSd, double[][] gpMean, double[][] gpSd,
                      double[][] ensemble, double[][] scale, double[] mahalanobis2, double[][] signals,
                      double[][] signalScale) {
    }

    /**
     * Rows per share of a parallel batch. Each row's computation is independent of the others, so a
     * batch split across cores gives the same numbers; below two shares the hand-off costs more than it saves.
     */
    static final int PARALLEL_ROWS = 128;

    public Components components(List<JobParameters> jobs) {
        int n = jobs.size();
        int shares = Math.min(Runtime.getRuntime().availableProcessors(), n / PARALLEL_ROWS);
        if (shares < 2) {
            return componentsOf(jobs, false);
        }
        // Rows in order: share s gets [s·n/shares, (s+1)·n/shares). The common pool's workers plus the caller run them.
        List<Components> parts = java.util.stream.IntStream.range(0, shares).parallel()
                .mapToObj(s -> componentsOf(jobs.subList(s * n / shares, (s + 1) * n / shares), false)).toList();
        return new Components(rows(parts, Components::xgb), rows(parts, Components::mlpMean), rows(parts, Components::mlpSd),
                rows(parts, Components::gpMean), rows(parts, Components::gpSd), rows(parts, Components::ensemble),
                rows(parts, Components::scale),
                parts.stream().flatMapToDouble(c -> java.util.Arrays.stream(c.mahalanobis2())).toArray(),
                rows(parts, Components::signals), rows(parts, Components::signalScale));
    }

    private static double[][] rows(List<Components> parts, java.util.function.Function<Components, double[][]> f) {
        return parts.stream().flatMap(c -> java.util.Arrays.stream(f.apply(c))).toArray(double[][]::new);
    }

    /**
     * The same with XGBoost's {@code inplace_predict} and the libtorch MLP instead of their Java
     * copies: the libraries' own answer, which the fast path must reproduce (tests, load-time checks).
     */
    Components referenceComponents(List<JobParameters> jobs) {
        return componentsOf(jobs, true);
    }

    private Components componentsOf(List<JobParameters> jobs, boolean reference) {
        int n = jobs.size();
        int d = FeatureEncoder.size();
        double[][] x = new double[n][];
        float[] xf = new float[n * d];
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = encoder.encode(jobs.get(i));
            for (int j = 0; j < d; j++) {
                xf[i * d + j] = (float) x[i][j];
            }
            d2[i] = ood.distance2(x[i]);
        }
        double[][] xg = reference ? xgb.predictNative(xf, n) : xgb.predict(xf, n);
        double[][][] mc = reference ? mlp.predictLibtorch(xf, n, d, calibration.mcPasses())
                : mlp.predict(xf, n, d, calibration.mcPasses());
        int k = xg[0].length;
        double[][] gm = new double[n][k];
        double[][] gs = new double[n][k];
        gp.predict(x, gm, gs);
        double[][] w = calibration.weights();
        double floor = calibration.scaleFloor();
        double floor2 = floor * floor;
        double[][] ens = new double[n][k];
        double[][] scale = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double a = xg[i][j];
                double b = clamp01(mc[0][i][j]);
                double c = clamp01(gm[i][j]);
                ens[i][j] = clamp01(w[j][0] * a + w[j][1] * b + w[j][2] * c);
                double m = (a + b + c) / 3;
                double spread2 = ((a - m) * (a - m) + (b - m) * (b - m) + (c - m) * (c - m)) / 3;
                scale[i][j] = Math.sqrt(mc[1][i][j] * mc[1][i][j] + gs[i][j] * gs[i][j] + spread2 + floor2);
            }
        }
        if (composer == null) {
            return new Components(xg, mc[0], mc[1], gm, gs, ens, scale, d2, ens, scale);
        }
        double[][] sig = new double[n][];
        double[][] sigScale = new double[n][];
        for (int i = 0; i < n; i++) {
            JobParameters p = jobs.get(i);
            sig[i] = composer.compose(p, ens[i]);
            double[] s2 = new double[sig[i].length];
            for (int t = 0; t < k; t++) {
                double[] up = ens[i].clone();
                double[] down = ens[i].clone();
                up[t] = clamp01(up[t] + scale[i][t]);
                down[t] = clamp01(down[t] - scale[i][t]);
                double[] su = composer.compose(p, up);
                double[] sd = composer.compose(p, down);
                for (int j = 0; j < s2.length; j++) {
                    double dj = Math.max(Math.abs(su[j] - sig[i][j]), Math.abs(sd[j] - sig[i][j]));
                    s2[j] += dj * dj;
                }
            }
            sigScale[i] = new double[s2.length];
            for (int j = 0; j < s2.length; j++) {
                sigScale[i][j] = Math.sqrt(s2[j] + floor2);
            }
        }
        return new Components(xg, mc[0], mc[1], gm, gs, ens, scale, d2, sig, sigScale);
    }

    /** One learner's target-space output composed into signals (for per-component accuracy). */
    public double[][] signalsOf(List<JobParameters> jobs, double[][] targetRows) {
        if (composer == null) {
            double[][] out = new double[targetRows.length][];
            for (int i = 0; i < out.length; i++) {
                out[i] = java.util.Arrays.stream(targetRows[i]).map(TradeoffModel::clamp01).toArray();
            }
            return out;
        }
        double[][] out = new double[jobs.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = composer.compose(jobs.get(i), java.util.Arrays.stream(targetRows[i]).map(TradeoffModel::clamp01).toArray());
        }
        return out;
    }

    public List<Estimate> predict(List<JobParameters> jobs) {
        return estimates(jobs, components(jobs));
    }

    public List<Estimate> estimates(List<JobParameters> jobs, Components c) {
        return estimates(jobs, c, calibration.conformalQ(), calibration.jobFactor());
    }

    /** Estimates with the given per-signal conformal quantiles and job factor (the cascade's, or the marginal ones). */
    public List<Estimate> estimates(List<JobParameters> jobs, Components c, double[] q, double jobFactor) {
        List<Estimate> out = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            int k = q.length;
            double[] score = c.signals()[i].clone();
            double[] lo = new double[k];
            double[] hi = new double[k];
            double u = 0;
            for (int j = 0; j < k; j++) {
                double half = Math.min(1, q[j] * c.signalScale()[i][j]);
                lo[j] = Math.max(0, score[j] - half);
                hi[j] = Math.min(1, score[j] + half);
                u = Math.max(u, half);
            }
            boolean isOod = c.mahalanobis2()[i] > ood.cutoff();
            boolean unmodelled = unmodelled(jobs.get(i));
            boolean high = u >= calibration.flagThreshold();
            out.add(new Estimate(score, lo, hi, u, c.mahalanobis2()[i], isOod, unmodelled, high, high || isOod || unmodelled,
                    Stage.FIRST_STAGE, List.of(), jobFactor, dev.lto.engine.data.Criticality.mayBeCritical(lo, hi,
                    encoder.k1ByClass()[Math.clamp(jobs.get(i).jobClass(), 1, 20)])));
        }
        return out;
    }

    /**
     * Global importance over the given jobs from XGBoost's TreeSHAP contributions: mean |SHAP| per
     * feature over jobs and signals (bias column dropped), normalised to sum 1, largest first.
     */
    public Map<String, Double> importance(List<JobParameters> jobs) {
        int n = jobs.size();
        float[] xf = encoder.encodeRows(jobs);
        float[][][] contrib = xgb.contributions(xf, n); // per learned target
        int d = FeatureEncoder.size();
        double[] mean = new double[d];
        for (float[][] perSignal : contrib) {
            for (float[] row : perSignal) {
                for (int f = 0; f < d; f++) {           // row[d] is the bias
                    mean[f] += Math.abs(row[f]);
                }
            }
        }
        double total = 0;
        for (double v : mean) {
            total += v;
        }
        List<Integer> order = new ArrayList<>();
        for (int f = 0; f < d; f++) {
            order.add(f);
        }
        double[] m = mean;
        order.sort(Comparator.comparingDouble(f -> -m[f]));
        Map<String, Double> out = new LinkedHashMap<>();
        for (int f : order) {
            out.put(FeatureEncoder.NAMES.get(f), total == 0 ? 0 : Math.round(mean[f] / total * 1e4) / 1e4);
        }
        return out;
    }

    public static double clamp01(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    @Override
    public void close() {
        xgb.dispose();
        mlp.close();
    }
}
