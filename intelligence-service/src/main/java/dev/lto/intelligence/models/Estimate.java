package dev.lto.intelligence.models;

import java.util.List;

/**
 * The engine's raw answer for one job, before it becomes the contract's shape: per signal the
 * score and calibrated 95% interval, the widest calibrated half-width (the uncertainty score), the
 * Mahalanobis D², the flags, which cascade stage answered, and why physics is recommended (empty
 * when it is not).
 */
record Estimate(double[] score, double[] low, double[] high, double uncertainty, double mahalanobis2,
                boolean outOfDistribution, boolean unmodelledMetadata, boolean highUncertainty,
                boolean recommendPhysics, Stage stage, List<String> reasons) {
}
