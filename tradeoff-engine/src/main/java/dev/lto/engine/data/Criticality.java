package dev.lto.engine.data;

import dev.lto.engine.EngineApi;
import dev.lto.contracts.TradeoffSignals;

/**
 * ML.md's critical jobs: true {@code yield_risk} ≥ 0.5, or true {@code overall_health} ≤ 0.4, or a
 * pattern at k₁ < 0.3 (k₁ as the simulator reports it).
 */
@EngineApi
public final class Criticality {

    /** ML.md: a (job, signal) prediction is accurate when |error| ≤ 0.05 (critical or not). */
    public static final double ACCURACY_TOLERANCE = 0.05;

    static final double YIELD_RISK_MIN = 0.5;
    static final double HEALTH_MAX = 0.4;
    static final double K1_MIN = 0.3;

    private Criticality() {
    }

    /** {@code signals} in {@link TradeoffSignals#NAMES} order; {@code k1} NaN when unknown. */
    public static boolean isCritical(double[] signals, double k1) {
        return signals[4] >= YIELD_RISK_MIN || signals[5] <= HEALTH_MAX || (Double.isFinite(k1) && k1 < K1_MIN);
    }

    /**
     * Whether a prediction cannot rule out a critical job: its 95% interval reaches yield_risk ≥ 0.5 or
     * overall_health ≤ 0.4, or the pattern sits at k₁ < 0.3 ({@code low}/{@code high} per signal).
     */
    public static boolean mayBeCritical(double[] low, double[] high, double k1) {
        return high[4] >= YIELD_RISK_MIN || low[5] <= HEALTH_MAX || (Double.isFinite(k1) && k1 < K1_MIN);
    }
}
