package dev.lto.simulator.spi;

/**
 * CD through focus at one dose (one Bossung curve of a focus-exposure matrix). {@code cdNm[i]}
 * belongs to {@code focusNm[i]}; NaN where the feature did not print or merged with a neighbour.
 */
public record BossungCurve(double doseMjCm2, double[] focusNm, double[] cdNm) {
}
