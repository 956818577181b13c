package dev.lto.intelligence.models;

import dev.lto.engine.models.ModelSettings;
import dev.lto.engine.models.ModelSettings.Cascade;
import dev.lto.engine.models.ModelSettings.Gp;
import dev.lto.engine.models.ModelSettings.Mlp;
import dev.lto.engine.models.ModelSettings.Uncertainty;
import dev.lto.engine.models.ModelSettings.Xgboost;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tradeoff-engine settings, prefix {@code lto.models} (lto-models.yml; docs/ml.md lists them): the
 * engine's {@link ModelSettings} (its records carry the defaults) and this service's bootstrap.
 *
 * @param weights     ensemble weights of XGBoost, MLP and GP means (seed: 0.35, 0.40, 0.25); normalised to sum 1
 * @param xgboost     gradient-boosting settings
 * @param mlp         MLP training and MC-dropout settings
 * @param gp          Gaussian-process settings
 * @param uncertainty conformal level, OOD cut-off and the physics-flag rule
 * @param bootstrap   first start when no production model exists
 * @param fitWeights  fit the ensemble weights per learned target on the validation split (the seed's
 *                    weights are the starting point and stay where nothing is measurably better)
 * @param cascade     first stage → physics-lite → physics routing
 * @param live        live performance of the serving models on completed jobs
 */
@ConfigurationProperties("lto.models")
public record ModelProperties(
        @DefaultValue({"0.35", "0.40", "0.25"}) List<Double> weights,
        @DefaultValue Xgboost xgboost,
        @DefaultValue Mlp mlp,
        @DefaultValue Gp gp,
        @DefaultValue Uncertainty uncertainty,
        @DefaultValue Bootstrap bootstrap,
        @DefaultValue("true") boolean fitWeights,
        @DefaultValue Cascade cascade,
        @DefaultValue Live live,
        @DefaultValue PhysicsLite physicsLite) {

    public ModelProperties {
        // The engine checks its settings (the weights) when they are bound.
        new ModelSettings(weights, xgboost, mlp, gp, uncertainty, fitWeights, cascade);
    }

    /**
     * @param enabled train a model in the background on start when no production model exists
     * @param samples jobs of the bootstrap campaign (≈ 3–6 s each on 2 cores with the physics simulator)
     */
    public record Bootstrap(@DefaultValue("true") boolean enabled, @DefaultValue("40") int samples,
                            @DefaultValue("20260101") long seed) {
    }

    /**
     * @param window the last this many evaluated jobs make {@code lto_model_accuracy_score} (actual signals against
     *               their preflight predictions)
     */
    public record Live(@DefaultValue("200") int window) {

        public Live {
            if (window < 1) {
                throw new IllegalArgumentException("lto.models.live.window must be at least 1, got " + window);
            }
        }
    }

    /**
     * Physics-lite on the request path (docs/ml.md §11): estimates remembered per parameter set, and how
     * many may run at once for {@code POST /predict} before it answers from the first stage alone.
     *
     * @param cacheSize              estimates remembered (0: none)
     * @param interactiveConcurrency 0: half the cores, at least one
     */
    public record PhysicsLite(@DefaultValue("4096") int cacheSize, @DefaultValue("0") int interactiveConcurrency) {

        public PhysicsLite {
            if (cacheSize < 0 || interactiveConcurrency < 0) {
                throw new IllegalArgumentException("lto.models.physics-lite.cache-size and .interactive-concurrency must be"
                        + " ≥ 0, got " + cacheSize + " and " + interactiveConcurrency);
            }
        }

        public dev.lto.engine.serving.PhysicsLiteEstimates.Settings settings() {
            return new dev.lto.engine.serving.PhysicsLiteEstimates.Settings(cacheSize, interactiveConcurrency > 0
                    ? interactiveConcurrency : Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        }
    }

    /** The engine's settings (everything but the bootstrap, which is this service's start-up). */
    public ModelSettings settings() {
        return new ModelSettings(weights, xgboost, mlp, gp, uncertainty, fitWeights, cascade);
    }

    /** The engine's settings with this service's bootstrap (tests build their settings this way). */
    static ModelProperties of(ModelSettings s, Bootstrap bootstrap) {
        return new ModelProperties(s.weights(), s.xgboost(), s.mlp(), s.gp(), s.uncertainty(), bootstrap, s.fitWeights(),
                s.cascade(), new Live(200), new PhysicsLite(4096, 0));
    }
}
