package dev.lto.engine.models;

/**
 * A Bayesian regressor over the standardised feature space whose posterior standard deviation
 * measures epistemic uncertainty: small near the training data, growing away from it. The
 * tradeoff engine depends only on this interface; the implementation is Smile's exact Gaussian
 * process ({@link SmileGaussianProcess}), kept behind it because Smile is GPL-3.0 (docs/ml.md).
 */
public interface EpistemicModel {

    /**
     * Posterior means per row and signal into {@code mean}, posterior standard deviation (in each
     * signal's units) into {@code sd}.
     */
    void predict(double[][] x, double[][] mean, double[][] sd);

    /** Training points kept. */
    int size();

    /** Serialized form for the model store. */
    byte[] serialize();
}
