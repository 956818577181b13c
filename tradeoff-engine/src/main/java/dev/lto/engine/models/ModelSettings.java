package dev.lto.engine.models;

import dev.lto.engine.EngineApi;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What training and serving need to know (intelligence-service binds it from {@code lto.models},
 * lto-models.yml; docs/ml.md lists the settings). The {@code @DefaultValue}s are binding metadata only:
 * they keep each default beside the setting it belongs to; the engine itself is plain Java.
 *
 * @param weights     ensemble weights of XGBoost, MLP and GP means (seed: 0.35, 0.40, 0.25); normalised to sum 1
 * @param xgboost     gradient-boosting settings
 * @param mlp         MLP training and MC-dropout settings
 * @param gp          Gaussian-process settings
 * @param uncertainty conformal level, OOD cut-off and the physics-flag rule
 * @param fitWeights  fit the ensemble weights per learned target on the validation split (the seed's
 *                    weights are the starting point and stay where nothing is measurably better)
 * @param cascade     first stage → physics-lite → physics routing
 */
@EngineApi
public record ModelSettings(List<Double> weights, Xgboost xgboost, Mlp mlp, Gp gp, Uncertainty uncertainty,
                            boolean fitWeights, Cascade cascade) {

    public ModelSettings {
        if (weights.size() != 3 || weights.stream().anyMatch(w -> w < 0) || weights.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("lto.models.weights must be three non-negative numbers (XGBoost, MLP, GP)");
        }
    }

    /**
     * @param trees     boosting rounds per signal (one booster per signal)
     * @param objective {@code reg:logistic}: a sigmoid link keeps predictions in [0,1] and accepts targets in [0,1]
     */
    public record Xgboost(@DefaultValue("500") int trees, @DefaultValue("6") int maxDepth, @DefaultValue("0.05") double eta,
                          @DefaultValue("0.8") double subsample, @DefaultValue("0.9") double colsampleBytree,
                          @DefaultValue("1") double minChildWeight, @DefaultValue("reg:logistic") String objective,
                          @DefaultValue("1") int threads) {
    }

    /**
     * @param maxEpochs  upper bound; training stops after {@code patience} epochs without a better validation loss
     * @param mcPasses   MC-dropout passes per prediction, run as one batched forward pass
     */
    public record Mlp(@DefaultValue("400") int maxEpochs, @DefaultValue("25") int patience,
                      @DefaultValue("64") int batchSize, @DefaultValue("0.001") double learningRate,
                      @DefaultValue("0.3") double dropout, @DefaultValue("100") int mcPasses,
                      @DefaultValue("42") int seed) {
    }

    /**
     * @param subset      training points the exact GP keeps (O(m³) fit, O(m²) per variance)
     * @param noise       noise variance on normalised targets (also the regulariser)
     * @param lengthScale RBF length scale in standardised feature units; 0 = the subset's median pairwise distance
     */
    public record Gp(@DefaultValue("1000") int subset, @DefaultValue("0.01") double noise,
                     @DefaultValue("0") double lengthScale, @DefaultValue("7") long seed) {
    }

    /**
     * @param alpha            miscoverage of the conformal intervals (0.05 → 95%)
     * @param oodQuantile      χ² quantile of the Mahalanobis cut-off
     * @param flagHalfWidth    largest calibrated half-width (any signal) a job may have and still be trusted
     * @param flagMargin       the tuned threshold is this fraction of the smallest score among validation critical misses
     * @param floor            scale floor added in quadrature to the uncertainty scale (no zero-width intervals)
     * @param unmodelledMetadata job metadata keys that change the physics but are not model inputs
     *                         (the campaign never varies them): their presence always recommends physics
     */
    public record Uncertainty(@DefaultValue("0.05") double alpha, @DefaultValue("0.999") double oodQuantile,
                              @DefaultValue("0.05") double flagHalfWidth, @DefaultValue("0.9") double flagMargin,
                              @DefaultValue("0.002") double floor,
                              @DefaultValue({"defocus_nm", "diffusion_nm", "illumination", "sigma_inner", "pole_angle_deg"})
                              List<String> unmodelledMetadata) {
    }

    /**
     * @param firstStageAccuracy the routing threshold keeps the validation jobs the first stage answers
     *                           at least this pair accuracy (and no critical miss)
     * @param liteFloor          added to physics-lite's own error estimate before conformal scaling, so a
     *                           zero estimate still gets a calibrated interval
     * @param lite               use the adapter's physics-lite estimator where it has one
     * @param liteFlagBudget     a physics-lite flag threshold on one signal may send at most this share of the
     *                           tuning jobs to physics; beyond it the signal's misses are not separable and stay unflagged
     */
    public record Cascade(@DefaultValue("0.975") double firstStageAccuracy, @DefaultValue("0.002") double liteFloor,
                          @DefaultValue("true") boolean lite, @DefaultValue("0.05") double liteFlagBudget) {
    }

    public double[] normalisedWeights() {
        double s = weights.stream().mapToDouble(Double::doubleValue).sum();
        return weights.stream().mapToDouble(w -> w / s).toArray();
    }
}
