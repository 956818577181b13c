package dev.lto.intelligence.models;

import dev.lto.contracts.JobParameters;
import dev.lto.intelligence.campaign.CampaignSample;
import dev.lto.intelligence.campaign.Split;
import dev.lto.intelligence.features.FeatureEncoder;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the ensemble on a campaign's TRAIN split, early-stops the MLP and tunes the physics flag
 * on VALIDATION, fits the conformal quantiles on CALIBRATION, and measures everything on TEST.
 * No split sees another's job (splits are by job, stratified by criticality).
 */
final class EnsembleTrainer {

    private static final Logger log = LoggerFactory.getLogger(EnsembleTrainer.class);

    /** A trained model, its test metrics and its lineage. */
    record Trained(TradeoffModel model, ModelMetrics metrics, int trainingSamples, List<String> campaigns,
                   double trainSeconds) {
    }

    private EnsembleTrainer() {
    }

    static Trained train(String version, List<CampaignSample> samples, ModelProperties props, Set<String> unmodelled) {
        long t0 = System.nanoTime();
        List<CampaignSample> train = of(samples, Split.TRAIN);
        List<CampaignSample> cal = of(samples, Split.CALIBRATION);
        List<CampaignSample> val = of(samples, Split.VALIDATION);
        List<CampaignSample> test = of(samples, Split.TEST);
        if (train.size() < 8 || val.size() < 2 || cal.isEmpty()) {
            throw new IllegalArgumentException("too few jobs to train: train " + train.size() + ", calibration "
                    + cal.size() + ", validation " + val.size() + " (need ≥ 8, ≥ 1, ≥ 2)");
        }
        log.info("Training {}: {} train, {} calibration, {} validation, {} test jobs", version, train.size(), cal.size(),
                val.size(), test.size());
        FeatureEncoder encoder = FeatureEncoder.fit(params(train), train.stream().mapToDouble(CampaignSample::k1).toArray());
        int d = FeatureEncoder.size();
        double[][] xTrain = encode(encoder, train);
        float[] fTrain = encoder.encodeRows(params(train));
        float[] fVal = encoder.encodeRows(params(val));
        double[][] yTrain = targets(train);
        double[][] yVal = targets(val);

        long t = System.nanoTime();
        XgbSignals xgb = XgbSignals.train(fTrain, train.size(), d, yTrain, props.xgboost());
        log.info("XGBoost: 6 × {} trees in {} s", props.xgboost().trees(), secs(t));
        t = System.nanoTime();
        MlpSignals mlp = MlpSignals.train(fTrain, train.size(), fVal, val.size(), d, yTrain, yVal, props.mlp());
        log.info("MLP: {} epochs in {} s", mlp.epochs, secs(t));
        t = System.nanoTime();
        EpistemicModel gp = SmileGaussianProcess.fit(xTrain, yTrain, props.gp());
        log.info("GP: {} points in {} s", gp.size(), secs(t));
        Mahalanobis ood = Mahalanobis.fit(xTrain, FeatureEncoder.PARAMETER_COUNT, props.uncertainty().oodQuantile());

        ModelProperties.Uncertainty u = props.uncertainty();
        Calibration provisional = new Calibration(props.normalisedWeights(), u.alpha(), new double[6], cal.size(),
                Double.POSITIVE_INFINITY, "provisional", u.floor(), props.mlp().mcPasses(), props.mlp().dropout());
        TradeoffModel model = new TradeoffModel(version, encoder, xgb, mlp, gp, ood, provisional, unmodelled);

        // Split conformal: normalised scores |y − ŷ| / s on the calibration jobs, one quantile per signal.
        TradeoffModel.Components cc = model.components(params(cal));
        double[] q = new double[6];
        for (int j = 0; j < 6; j++) {
            double[] scores = new double[cal.size()];
            for (int i = 0; i < cal.size(); i++) {
                scores[i] = Math.abs(cal.get(i).signals()[j] - cc.ensemble()[i][j]) / cc.scale()[i][j];
            }
            q[j] = Calibration.conformalQuantile(scores, u.alpha());
        }
        Calibration withQ = new Calibration(provisional.weights(), u.alpha(), q, cal.size(), Double.POSITIVE_INFINITY,
                "provisional", u.floor(), props.mlp().mcPasses(), props.mlp().dropout());
        model = model.withCalibration(withQ);

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
            source = String.format(java.util.Locale.ROOT,
                    "tuned on validation: %.2f × %.4f, the smallest score among %d critical misses", u.flagMargin(), minMiss, misses);
        }
        log.info("Conformal q {}; flag threshold {} ({})", java.util.Arrays.toString(q), tau, source);
        model = model.withCalibration(new Calibration(withQ.weights(), u.alpha(), q, cal.size(), tau, source, u.floor(),
                props.mlp().mcPasses(), props.mlp().dropout()));

        ModelMetrics metrics = test.isEmpty() ? null
                : Evaluation.evaluate(model, test, "TEST split (" + test.size() + " jobs) of " + campaigns(samples));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Trained(model, metrics, train.size(), campaigns(samples), seconds);
    }

    static double maxError(double[] pred, double[] truth) {
        double m = 0;
        for (int j = 0; j < pred.length; j++) {
            m = Math.max(m, Math.abs(pred[j] - truth[j]));
        }
        return m;
    }

    static List<CampaignSample> of(List<CampaignSample> s, Split split) {
        return s.stream().filter(x -> x.split() == split).toList();
    }

    static List<JobParameters> params(List<CampaignSample> s) {
        return s.stream().map(CampaignSample::parameters).toList();
    }

    private static List<String> campaigns(List<CampaignSample> s) {
        return s.stream().map(CampaignSample::campaignId).distinct().sorted().toList();
    }

    private static double[][] encode(FeatureEncoder e, List<CampaignSample> s) {
        return s.stream().map(x -> e.encode(x.parameters())).toArray(double[][]::new);
    }

    private static double[][] targets(List<CampaignSample> s) {
        return s.stream().map(CampaignSample::signals).toArray(double[][]::new);
    }

    private static String secs(long t) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t) / 1e9);
    }
}
