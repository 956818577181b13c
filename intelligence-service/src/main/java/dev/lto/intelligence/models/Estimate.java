package dev.lto.intelligence.models;

/**
 * The ensemble's raw answer for one job, before it becomes the contract's shape: per signal the
 * score and calibrated 95% interval, the widest calibrated half-width (the uncertainty score), the
 * Mahalanobis D², and the flags.
 */
record Estimate(double[] score, double[] low, double[] high, double uncertainty, double mahalanobis2,
                boolean outOfDistribution, boolean unmodelledMetadata, boolean highUncertainty,
                boolean recommendPhysics) {
}
