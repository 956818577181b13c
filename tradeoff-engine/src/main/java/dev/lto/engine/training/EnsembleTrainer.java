package dev.lto.engine.training;

import dev.lto.engine.models.Estimate;
import dev.lto.engine.models.Cascade;
import dev.lto.engine.evaluation.Evaluation;
import dev.lto.engine.models.ModelSettings;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.features.FeatureEncoder;
import dev.lto.engine.models.Calibration;
import dev.lto.engine.models.EpistemicModel;
import dev.lto.engine.models.LiteCalibration;
import dev.lto.engine.models.Mahalanobis;
import dev.lto.engine.models.MlpSignals;
import dev.lto.engine.models.SignalComposer;
import dev.lto.engine.models.SmileGaussianProcess;
import dev.lto.engine.models.TradeoffModel;
import dev.lto.engine.models.XgbSignals;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the first stage on a campaign's TRAIN split, early-stops the MLP and fits the ensemble
 * weights, the physics flag and the cascade's routing threshold on VALIDATION, fits the conformal
 * quantiles (first stage and physics-lite) on CALIBRATION, and measures everything on TEST. No split
 * sees another's job (splits are by job, stratified by criticality).
 *
 * <p>With a {@link SignalComposer} and intermediates on every job the learners predict the four
 * intermediates (structured targets, ML.md "Learnability, measured": +2–6 points over predicting the
 * signals) and the signals are composed from them; else they predict the six signals.
 */
public final class EnsembleTrainer {

    private static final Logger log = LoggerFactory.getLogger(EnsembleTrainer.class);

    /** Fewest calibration jobs routed to physics-lite for its intervals to be fitted on them alone. */
    static final int MIN_CONDITIONAL_JOBS = 100;

    /** Step of the weight grid on the simplex (231 candidate weightings per target). */
    static final double WEIGHT_STEP = 0.05;

    /** A trained model, its lite calibration (null without lite estimates), test metrics and lineage. */
    public record Trained(TradeoffModel model, LiteCalibration lite, ModelMetrics metrics, int trainingSamples,
                   List<String> campaigns, double trainSeconds) {
    }

    private EnsembleTrainer() {
    }

    public static Trained train(String version, List<CampaignSample> samples, ModelSettings props, Set<String> unmodelled,
                         SignalComposer composer) {
        long t0 = System.nanoTime();
        List<CampaignSample> train = of(samples, Split.TRAIN);
        List<CampaignSample> cal = of(samples, Split.CALIBRATION);
        List<CampaignSample> val = of(samples, Split.VALIDATION);
        List<CampaignSample> test = of(samples, Split.TEST);
        if (train.size() < 8 || val.size() < 2 || cal.isEmpty()) {
            throw new IllegalArgumentException("too few jobs to train: train " + train.size() + ", calibration "
                    + cal.size() + ", validation " + val.size() + " (need ≥ 8, ≥ 1, ≥ 2)");
        }
        // TEST jobs only measure signals: held-out jobs without intermediates (completed jobs from the training
        // buffer) leave the learned targets structured.
        boolean structured = composer != null && samples.stream().filter(s -> s.split() != Split.TEST)
                .allMatch(s -> s.intermediates() != null);
        SignalComposer used = structured ? composer : null;
        log.info("Training {}: {} train, {} calibration, {} validation, {} test jobs; targets: {}", version, train.size(),
                cal.size(), val.size(), test.size(), structured ? "the 4 intermediates, signals composed" : "the 6 signals");
        FeatureEncoder encoder = FeatureEncoder.fit(params(train), train.stream().mapToDouble(CampaignSample::k1).toArray());
        int d = FeatureEncoder.size();
        double[][] xTrain = encode(encoder, train);
        float[] fTrain = encoder.encodeRows(params(train));
        float[] fVal = encoder.encodeRows(params(val));
        double[][] yTrain = targets(train, structured);
        double[][] yVal = targets(val, structured);
        int k = yTrain[0].length;

        long t = System.nanoTime();
        XgbSignals xgb = XgbSignals.train(fTrain, train.size(), d, yTrain, props.xgboost());
        log.info("XGBoost: {} × {} trees in {} s", k, props.xgboost().trees(), secs(t));
        t = System.nanoTime();
        MlpSignals mlp = MlpSignals.train(fTrain, train.size(), fVal, val.size(), d, yTrain, yVal, props.mlp());
        log.info("MLP: {} epochs in {} s", mlp.epochs, secs(t));
        t = System.nanoTime();
        EpistemicModel gp = SmileGaussianProcess.fit(xTrain, yTrain, props.gp());
        log.info("GP: {} points in {} s", gp.size(), secs(t));
        Mahalanobis ood = Mahalanobis.fit(xTrain, FeatureEncoder.PARAMETER_COUNT, props.uncertainty().oodQuantile());

        ModelSettings.Uncertainty u = props.uncertainty();
        double[][] seedWeights = new double[k][];
        for (int j = 0; j < k; j++) {
            seedWeights[j] = props.normalisedWeights();
        }
        Calibration provisional = new Calibration(seedWeights, u.alpha(), new double[6], cal.size(),
                Double.POSITIVE_INFINITY, "provisional", u.floor(), props.mlp().mcPasses(), props.mlp().dropout(),
                0, "provisional", 1, null, 1);
        TradeoffModel model = new TradeoffModel(version, encoder, xgb, mlp, gp, ood, provisional, used, unmodelled);

        // Ensemble weights per target on validation: the seed's [0.35, 0.40, 0.25] is where the search starts,
        // and it stays when nothing on the simplex grid is measurably better.
        double[][] weights = props.fitWeights() ? fitWeights(model.components(params(val)), yVal, props.normalisedWeights())
                : seedWeights;
        log.info("Ensemble weights per target {}: {}", model.targets(), fmt(weights));
        model = model.withCalibration(new Calibration(weights, u.alpha(), new double[6], cal.size(), Double.POSITIVE_INFINITY,
                "provisional", u.floor(), props.mlp().mcPasses(), props.mlp().dropout(), 0, "provisional", 1, null, 1));

        double[] q = conformalQ(cal, model.components(params(cal)), u.alpha());
        model = model.withCalibration(new Calibration(weights, u.alpha(), q, cal.size(), Double.POSITIVE_INFINITY,
                "provisional", u.floor(), props.mlp().mcPasses(), props.mlp().dropout(), 0, "provisional", 1, null, 1));

        // Flag threshold: below the widest half-width of every validation critical miss, capped by config.
        List<Estimate> ve = model.predict(params(val));
        double minMiss = Double.POSITIVE_INFINITY;
        int misses = 0;
        for (int i = 0; i < val.size(); i++) {
            CampaignSample s = val.get(i);
            if (s.critical() && maxError(ve.get(i).score(), s.signals()) > Evaluation.TOLERANCE) {
                misses++;
                minMiss = Math.min(minMiss, ve.get(i).uncertainty());
            }
        }
        double tau = u.flagHalfWidth();
        String source = "configured lto.models.uncertainty.flag-half-width (no validation critical miss below it)";
        if (misses > 0 && u.flagMargin() * minMiss < tau) {
            tau = u.flagMargin() * minMiss;
            source = String.format(Locale.ROOT,
                    "tuned on validation: %.2f × %.4f, the smallest score among %d critical misses", u.flagMargin(), minMiss, misses);
        }
        model = model.withCalibration(model.calibration.withFlag(tau, source));
        // Job-level anomaly rule: κ on the calibration jobs, so that a sound job is flagged by chance 5% of the time.
        model = model.withCalibration(model.calibration.withJobFactor(
                Estimate.jobFactor(model.predict(params(cal)), cal.stream().map(CampaignSample::signals).toList(), u.alpha())));
        Route route = routeThreshold(ve, val, props.cascade());
        model = model.withCalibration(model.calibration.withRoute(route.threshold(), route.source()));
        log.info("Conformal q {}; flag threshold {} ({}); route threshold {} ({})", java.util.Arrays.toString(q), tau, source,
                route.threshold(), route.source());

        // Each stage's intervals are calibrated on the calibration jobs it answers inside the cascade (split
        // conformal holds for the population it was fitted on; the router sends each stage a different one).
        LiteCalibration lite = null;
        if (samples.stream().anyMatch(s -> s.lite() != null)) {
            Cascade router = new Cascade(model, new LiteCalibration(new double[6], 1, new double[6], "", 0, "", 1, null), composer);
            List<Estimate> ce = model.predict(params(cal));
            List<CampaignSample> calFirst = new java.util.ArrayList<>();
            List<CampaignSample> calLite = new java.util.ArrayList<>();
            for (int i = 0; i < cal.size(); i++) {
                (router.firstStageAnswers(ce.get(i)) ? calFirst : calLite).add(cal.get(i));
            }
            List<CampaignSample> valLite = new java.util.ArrayList<>();
            for (int i = 0; i < val.size(); i++) {
                if (!router.firstStageAnswers(ve.get(i))) {
                    valLite.add(val.get(i));
                }
            }
            if (!calFirst.isEmpty()) {
                TradeoffModel.Components fc = model.components(params(calFirst));
                double[] cq = conformalQ(calFirst, fc, u.alpha());
                double kappa = Estimate.jobFactor(model.estimates(params(calFirst), fc, cq, 1),
                        calFirst.stream().map(CampaignSample::signals).toList(), u.alpha());
                model = model.withCalibration(model.calibration.withCascade(cq, kappa));
                log.info("Inside the cascade the first stage answers {} of {} calibration jobs: q {}, κ {}", calFirst.size(),
                        cal.size(), java.util.Arrays.toString(cq), kappa);
            }
            // Physics-lite is calibrated on the jobs it gets; with too few of them (a first stage that answers
            // nearly everything), on all calibration jobs.
            boolean enough = calLite.stream().filter(s -> s.lite() != null).count() >= MIN_CONDITIONAL_JOBS;
            lite = LiteCalibration.fit(enough ? calLite : cal, enough ? valLite : val, u.alpha(), props.cascade().liteFloor(),
                    u.flagMargin(), props.cascade().liteFlagBudget(), composer);
        }
        if (lite != null) {
            log.info("Physics-lite calibration ({}): q {}, flag threshold {} ({})", lite.fidelity(),
                    java.util.Arrays.toString(lite.conformalQ()), lite.flagThreshold(), lite.flagThresholdSource());
        }

        // Promotion is judged on the cascade this model would serve in (physics-lite from the stored estimates).
        String on = "TEST split (" + test.size() + " jobs) of " + campaigns(samples);
        ModelMetrics metrics = test.isEmpty() ? null
                : lite != null ? Evaluation.evaluateCascade(new Cascade(model, lite, composer), test, on, p -> java.util.Optional.empty())
                : Evaluation.evaluateFirstStage(model, test, on);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Trained(model, lite, metrics, train.size(), campaigns(samples), seconds);
    }

    /** Split conformal: per signal, the quantile of the normalised scores |y − ŷ| / s over {@code jobs}. */
    static double[] conformalQ(List<CampaignSample> jobs, TradeoffModel.Components c, double alpha) {
        double[] q = new double[TradeoffSignals.NAMES.size()];
        for (int j = 0; j < q.length; j++) {
            double[] scores = new double[jobs.size()];
            for (int i = 0; i < jobs.size(); i++) {
                scores[i] = Math.abs(jobs.get(i).signals()[j] - c.signals()[i][j]) / c.signalScale()[i][j];
            }
            q[j] = Calibration.conformalQuantile(scores, alpha);
        }
        return q;
    }

    public record Route(double threshold, String source) {
    }

    /**
     * The cascade's routing threshold: the largest widest-half-width τ such that the validation jobs
     * the first stage would answer (in distribution, no unmodelled metadata, interval ruling out a
     * critical job, uncertainty < τ) have
     * pair accuracy ≥ {@code cascade.first-stage-accuracy} and no critical job among them is missed.
     * 0 (the first stage never answers) when no τ qualifies.
     */
    public static Route routeThreshold(List<Estimate> ve, List<CampaignSample> val, ModelSettings.Cascade cfg) {
        // Only jobs the first stage could answer at all take part (the others never reach it in the cascade).
        Integer[] order = java.util.stream.IntStream.range(0, val.size()).boxed()
                .filter(i -> !ve.get(i).outOfDistribution() && !ve.get(i).unmodelledMetadata() && !ve.get(i).mayBeCritical())
                .sorted(java.util.Comparator.comparingDouble(i -> ve.get(i).uncertainty())).toArray(Integer[]::new);
        int k = val.isEmpty() ? 6 : val.getFirst().signals().length;
        long okPairs = 0;
        int taken = 0;
        double best = 0;
        int bestTaken = 0;
        for (int idx = 0; idx < order.length; idx++) {
            int i = order[idx];
            Estimate e = ve.get(i);
            if (e.uncertainty() >= 1) {
                break;                                  // a [0, 1] interval is no answer (too few calibration jobs)
            }
            CampaignSample s = val.get(i);
            int ok = 0;
            for (int j = 0; j < k; j++) {
                ok += Math.abs(e.score()[j] - s.signals()[j]) <= Evaluation.TOLERANCE ? 1 : 0;
            }
            if (s.critical() && ok < k) {
                break;                                  // a critical miss: τ must stay below this job
            }
            okPairs += ok;
            taken++;
            boolean nextTies = idx + 1 < order.length && ve.get(order[idx + 1]).uncertainty() == e.uncertainty();
            if (!nextTies && (double) okPairs / ((double) taken * k) >= cfg.firstStageAccuracy()) {
                double next = idx + 1 < order.length ? ve.get(order[idx + 1]).uncertainty() : e.uncertainty() * 1.000001;
                best = 0.5 * (e.uncertainty() + next);
                bestTaken = taken;
            }
        }
        if (bestTaken == 0) {
            return new Route(0, "no uncertainty level keeps the validation pair accuracy ≥ "
                    + pct(cfg.firstStageAccuracy()) + " without a critical miss: physics-lite answers every job");
        }
        return new Route(best, String.format(Locale.ROOT,
                "tuned on validation: answers %d of %d jobs at pair accuracy ≥ %s, no critical miss among them",
                bestTaken, val.size(), pct(cfg.firstStageAccuracy())));
    }

    /**
     * Per target, the point of the weight simplex (step {@link #WEIGHT_STEP}) with the least squared
     * error of the ensemble mean on validation; the seed weights win ties.
     */
    static double[][] fitWeights(TradeoffModel.Components vc, double[][] y, double[] seed) {
        int k = y[0].length;
        double[][] out = new double[k][];
        int steps = (int) Math.round(1 / WEIGHT_STEP);
        for (int j = 0; j < k; j++) {
            double[] best = seed.clone();
            double bestErr = sse(vc, y, j, seed);
            for (int a = 0; a <= steps; a++) {
                for (int b = 0; a + b <= steps; b++) {
                    double[] w = {a * WEIGHT_STEP, b * WEIGHT_STEP, (steps - a - b) * WEIGHT_STEP};
                    double err = sse(vc, y, j, w);
                    if (err < bestErr - 1e-12) {
                        bestErr = err;
                        best = w;
                    }
                }
            }
            out[j] = best;
        }
        return out;
    }

    private static double sse(TradeoffModel.Components c, double[][] y, int j, double[] w) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double m = TradeoffModel.clamp01(w[0] * c.xgb()[i][j] + w[1] * TradeoffModel.clamp01(c.mlpMean()[i][j])
                    + w[2] * TradeoffModel.clamp01(c.gpMean()[i][j]));
            s += (m - y[i][j]) * (m - y[i][j]);
        }
        return s;
    }

    static double maxError(double[] pred, double[] truth) {
        double m = 0;
        for (int j = 0; j < pred.length; j++) {
            m = Math.max(m, Math.abs(pred[j] - truth[j]));
        }
        return m;
    }

    public static List<CampaignSample> of(List<CampaignSample> s, Split split) {
        return s.stream().filter(x -> x.split() == split).toList();
    }

    public static List<JobParameters> params(List<CampaignSample> s) {
        return s.stream().map(CampaignSample::parameters).toList();
    }

    private static List<String> campaigns(List<CampaignSample> s) {
        return s.stream().map(CampaignSample::campaignId).distinct().sorted().toList();
    }

    private static double[][] encode(FeatureEncoder e, List<CampaignSample> s) {
        return s.stream().map(x -> e.encode(x.parameters())).toArray(double[][]::new);
    }

    private static double[][] targets(List<CampaignSample> s, boolean structured) {
        return s.stream().map(x -> structured ? x.intermediates().unitScores() : x.signals()).toArray(double[][]::new);
    }

    private static String fmt(double[][] w) {
        StringBuilder b = new StringBuilder();
        for (double[] r : w) {
            b.append(String.format(Locale.ROOT, "[%.2f %.2f %.2f]", r[0], r[1], r[2]));
        }
        return b.toString();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String secs(long t) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t) / 1e9);
    }
}
