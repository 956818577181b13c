package dev.lto.engine.evaluation;

import dev.lto.engine.EngineApi;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Criticality;
import dev.lto.engine.models.Cascade;
import dev.lto.engine.models.Estimate;
import dev.lto.engine.models.LiteCalibration;
import dev.lto.engine.models.SignalComposer;
import dev.lto.engine.models.TradeoffModel;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import dev.lto.simulator.spi.LiteEstimate;

/**
 * Computes {@link ModelMetrics} on held-out jobs for the first stage alone, physics-lite alone and the
 * cascade, and the promotion gates (ML.md; the cascade adds the physics-recommended share).
 */
@EngineApi
public final class Evaluation {

    /** ML.md: a (job, signal) prediction is accurate when |error| ≤ 0.05. */
    public static final double TOLERANCE = Criticality.ACCURACY_TOLERANCE;
    static final double ACCURACY_GATE = 0.975;
    static final double CRITICAL_GATE = 0.985;
    static final double COVERAGE_LOW = 0.93;
    static final double COVERAGE_HIGH = 0.97;
    /** Held-out jobs a model card needs (issue: ≥ 1000; ML.md: coverage on ≥ 500 points). */
    static final int MIN_JOBS = 1000;
    /** The cascade may send at most this share of jobs to full physics (issue #10's target). */
    static final double MAX_PHYSICS_SHARE = 0.10;

    private Evaluation() {
    }

    /** The first stage alone on every job (whatever the cascade would route), with each component's accuracy. */
    public static ModelMetrics evaluateFirstStage(TradeoffModel model, List<CampaignSample> jobs, String evaluatedOn) {
        List<JobParameters> params = jobs.stream().map(CampaignSample::parameters).toList();
        TradeoffModel.Components c = model.components(params);
        Map<String, double[][]> comp = new LinkedHashMap<>();
        comp.put("xgboost", model.signalsOf(params, c.xgb()));
        comp.put("mlp", model.signalsOf(params, c.mlpMean()));
        comp.put("gp", model.signalsOf(params, c.gpMean()));
        return evaluate(model.estimates(params, c), jobs, evaluatedOn, comp, false);
    }

    /** Physics-lite alone on every job that carries a stored lite estimate, with its calibrated intervals. */
    public static ModelMetrics evaluateLite(LiteCalibration lite, SignalComposer composer, List<CampaignSample> jobs,
                                     String evaluatedOn) {
        List<CampaignSample> withLite = jobs.stream().filter(s -> s.lite() != null).toList();
        Cascade liteOnly = new Cascade(null, lite, composer);
        List<Estimate> est = withLite.stream().map(s -> liteOnly.fromLite(s.lite(), s.parameters(), null)).toList();
        return evaluate(est, withLite, evaluatedOn, Map.of(), false);
    }

    /**
     * The cascade on stored jobs: the same routing as serving; physics-lite answers come from each job's
     * stored estimate, or from {@code runLite} for jobs stored without one.
     */
    public static ModelMetrics evaluateCascade(Cascade cascade, List<CampaignSample> jobs, String evaluatedOn,
                                        Function<JobParameters, Optional<LiteEstimate>> runLite) {
        Map<JobParameters, LiteEstimate> stored = new IdentityHashMap<>();
        jobs.forEach(s -> {
            if (s.lite() != null) {
                stored.put(s.parameters(), s.lite());
            }
        });
        List<JobParameters> params = jobs.stream().map(CampaignSample::parameters).toList();
        List<Estimate> est = cascade.predict(params, routed -> routed.stream()
                .map(p -> stored.containsKey(p) ? Optional.of(stored.get(p)) : runLite.apply(p)).toList());
        return evaluate(est, jobs, evaluatedOn, Map.of(), true);
    }

    static ModelMetrics evaluate(List<Estimate> est, List<CampaignSample> jobs, String evaluatedOn,
                                 Map<String, double[][]> components, boolean cascadeGates) {
        int k = TradeoffSignals.NAMES.size();
        int n = jobs.size();
        double[] absErr = new double[k];
        int[] acc = new int[k];
        int[] cov = new int[k];
        double[] width = new double[k];
        int critJobs = 0;
        int critPairsOk = 0;
        int criticalMisses = 0;
        int missed = 0;
        int flagged = 0;
        int ood = 0;
        int jobFlags = 0;
        int anyOutside = 0;
        Map<String, Integer> byStage = new LinkedHashMap<>();
        Map<String, Integer> compOk = new LinkedHashMap<>();
        components.keySet().forEach(name -> compOk.put(name, 0));
        for (int i = 0; i < n; i++) {
            CampaignSample s = jobs.get(i);
            Estimate e = est.get(i);
            byStage.merge(e.stage().wire(), 1, Integer::sum);
            boolean bad = false;
            int ok = 0;
            for (int j = 0; j < k; j++) {
                double y = s.signals()[j];
                double err = Math.abs(e.score()[j] - y);
                absErr[j] += err;
                if (err <= TOLERANCE) {
                    acc[j]++;
                    ok++;
                } else {
                    bad = true;
                }
                if (e.low()[j] <= y && y <= e.high()[j]) {
                    cov[j]++;
                }
                width[j] += e.high()[j] - e.low()[j];
                for (var comp : components.entrySet()) {
                    if (Math.abs(comp.getValue()[i][j] - y) <= TOLERANCE) {
                        compOk.merge(comp.getKey(), 1, Integer::sum);
                    }
                }
            }
            flagged += e.recommendPhysics() ? 1 : 0;
            jobFlags += e.jobScore(s.signals()) > e.jobFactor() ? 1 : 0;
            boolean outside = false;
            for (int j = 0; j < k; j++) {
                outside |= s.signals()[j] < e.low()[j] || s.signals()[j] > e.high()[j];
            }
            anyOutside += outside ? 1 : 0;
            ood += e.outOfDistribution() ? 1 : 0;
            if (s.critical()) {
                critJobs++;
                critPairsOk += ok;
                if (bad) {
                    criticalMisses++;
                    if (!e.recommendPhysics()) {
                        missed++;
                    }
                }
            }
        }
        Map<String, ModelMetrics.SignalMetrics> per = new LinkedHashMap<>();
        int accAll = 0;
        int covAll = 0;
        double widthAll = 0;
        for (int j = 0; j < k; j++) {
            per.put(TradeoffSignals.NAMES.get(j), new ModelMetrics.SignalMetrics(r(absErr[j] / n), r((double) acc[j] / n),
                    r((double) cov[j] / n), r(width[j] / n)));
            accAll += acc[j];
            covAll += cov[j];
            widthAll += width[j];
        }
        double pairs = (double) n * k;
        double accuracy = accAll / pairs;
        double critical = critJobs == 0 ? Double.NaN : critPairsOk / ((double) critJobs * k);
        double coverage = covAll / pairs;
        Map<String, Double> comp = new LinkedHashMap<>();
        compOk.forEach((name, ok) -> comp.put(name, r(ok / pairs)));
        if (!comp.isEmpty()) {
            comp.put("ensemble", r(accuracy));
        }
        Map<String, Double> answered = new LinkedHashMap<>();
        byStage.forEach((stage, count) -> answered.put(stage, r((double) count / Math.max(1, n))));
        double physicsShare = (double) flagged / Math.max(1, n);
        List<ModelMetrics.Gate> gates = new ArrayList<>();
        gates.add(new ModelMetrics.Gate("accuracy", "≥ " + pct(ACCURACY_GATE), pct(accuracy), accuracy >= ACCURACY_GATE));
        gates.add(new ModelMetrics.Gate("critical_accuracy", "≥ " + pct(CRITICAL_GATE),
                critJobs == 0 ? "no critical jobs" : pct(critical), critJobs > 0 && critical >= CRITICAL_GATE));
        gates.add(new ModelMetrics.Gate("coverage_95", pct(COVERAGE_LOW) + "–" + pct(COVERAGE_HIGH), pct(coverage),
                coverage >= COVERAGE_LOW && coverage <= COVERAGE_HIGH));
        gates.add(new ModelMetrics.Gate("missed_critical", "0", Integer.toString(missed), missed == 0));
        if (cascadeGates) {
            gates.add(new ModelMetrics.Gate("physics_recommended", "≤ " + pct(MAX_PHYSICS_SHARE), pct(physicsShare),
                    physicsShare <= MAX_PHYSICS_SHARE));
        }
        gates.add(new ModelMetrics.Gate("held_out_jobs", "≥ " + MIN_JOBS, Integer.toString(n), n >= MIN_JOBS));
        return new ModelMetrics(evaluatedOn, n, critJobs, r(accuracy), r(critical), r(coverage), r(widthAll / pairs),
                criticalMisses, missed, r(physicsShare), r((double) ood / Math.max(1, n)), per, comp, answered,
                r((double) jobFlags / Math.max(1, n)), r((double) anyOutside / Math.max(1, n)), gates);
    }

    private static double r(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e5) / 1e5 : v;
    }

    public static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "n/a";
    }
}
