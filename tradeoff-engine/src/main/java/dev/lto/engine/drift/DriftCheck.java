package dev.lto.engine.drift;

import dev.lto.engine.EngineApi;

/**
 * One feature's PSI on one window.
 *
 * @param feature               the feature or predicted signal
 * @param psi                   the window's PSI against the reference
 * @param windowSize            n, the values in the window
 * @param threshold             the PSI above which this n is drift at the configured false-alarm rate
 * @param falseAlarmProbability P(PSI ≥ this value) for a window of n without drift
 * @param drifted               psi > threshold
 */
@EngineApi
public record DriftCheck(String feature, double psi, int windowSize, double threshold, double falseAlarmProbability,
                         boolean drifted) {
}
