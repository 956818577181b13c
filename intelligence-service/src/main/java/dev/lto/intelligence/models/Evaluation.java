package dev.lto.intelligence.models;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.campaign.CampaignSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Computes {@link ModelMetrics} for a model on held-out jobs, and the promotion gates (ML.md). */
final class Evaluation {

    /** ML.md: a (job, signal) prediction is accurate when |error| ≤ 0.05. */
    static final double TOLERANCE = 0.05;
    static final double ACCURACY_GATE = 0.975;
    static final double CRITICAL_GATE = 0.985;
    static final double COVERAGE_LOW = 0.93;
    static final double COVERAGE_HIGH = 0.97;
    /** Held-out jobs a model card needs (issue: ≥ 1000; ML.md: coverage on ≥ 500 points). */
    static final int MIN_JOBS = 1000;

    private Evaluation() {
    }

    static ModelMetrics evaluate(TradeoffModel model, List<CampaignSample> jobs, String evaluatedOn) {
        List<JobParameters> params = jobs.stream().map(CampaignSample::parameters).toList();
        TradeoffModel.Components c = model.components(params);
        List<Estimate> est = model.estimates(params, c);
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
        int[] compOk = new int[3];
        for (int i = 0; i < n; i++) {
            CampaignSample s = jobs.get(i);
            Estimate e = est.get(i);
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
                compOk[0] += Math.abs(c.xgb()[i][j] - y) <= TOLERANCE ? 1 : 0;
                compOk[1] += Math.abs(TradeoffModel.clamp01(c.mlpMean()[i][j]) - y) <= TOLERANCE ? 1 : 0;
                compOk[2] += Math.abs(TradeoffModel.clamp01(c.gpMean()[i][j]) - y) <= TOLERANCE ? 1 : 0;
            }
            flagged += e.recommendPhysics() ? 1 : 0;
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
        comp.put("xgboost", r(compOk[0] / pairs));
        comp.put("mlp", r(compOk[1] / pairs));
        comp.put("gp", r(compOk[2] / pairs));
        comp.put("ensemble", r(accuracy));
        List<ModelMetrics.Gate> gates = new ArrayList<>();
        gates.add(new ModelMetrics.Gate("accuracy", "≥ " + pct(ACCURACY_GATE), pct(accuracy), accuracy >= ACCURACY_GATE));
        gates.add(new ModelMetrics.Gate("critical_accuracy", "≥ " + pct(CRITICAL_GATE),
                critJobs == 0 ? "no critical jobs" : pct(critical), critJobs > 0 && critical >= CRITICAL_GATE));
        gates.add(new ModelMetrics.Gate("coverage_95", pct(COVERAGE_LOW) + "–" + pct(COVERAGE_HIGH), pct(coverage),
                coverage >= COVERAGE_LOW && coverage <= COVERAGE_HIGH));
        gates.add(new ModelMetrics.Gate("missed_critical", "0", Integer.toString(missed), missed == 0));
        gates.add(new ModelMetrics.Gate("held_out_jobs", "≥ " + MIN_JOBS, Integer.toString(n), n >= MIN_JOBS));
        return new ModelMetrics(evaluatedOn, n, critJobs, r(accuracy), r(critical), r(coverage), r(widthAll / pairs),
                criticalMisses, missed, r((double) flagged / Math.max(1, n)), r((double) ood / Math.max(1, n)), per, comp,
                gates);
    }

    private static double r(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e5) / 1e5 : v;
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "n/a";
    }
}
