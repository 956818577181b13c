package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The six signals' predictions, keyed as in {@link TradeoffSignals#NAMES}. */
public record SignalPredictions(
        @JsonProperty("speed_vs_accuracy") SignalEstimate speedVsAccuracy,
        @JsonProperty("resolution_vs_dof") SignalEstimate resolutionVsDof,
        @JsonProperty("cost_vs_fidelity") SignalEstimate costVsFidelity,
        @JsonProperty("surrogate_reliability") SignalEstimate surrogateReliability,
        @JsonProperty("yield_risk") SignalEstimate yieldRisk,
        @JsonProperty("overall_health") SignalEstimate overallHealth) {

    /** Estimates in {@link TradeoffSignals#NAMES} order. */
    public SignalEstimate[] toArray() {
        return new SignalEstimate[] {speedVsAccuracy, resolutionVsDof, costVsFidelity, surrogateReliability, yieldRisk, overallHealth};
    }

    public static SignalPredictions fromArray(SignalEstimate[] e) {
        if (e.length != TradeoffSignals.NAMES.size()) {
            throw new IllegalArgumentException("expected " + TradeoffSignals.NAMES.size() + " estimates, got " + e.length);
        }
        return new SignalPredictions(e[0], e[1], e[2], e[3], e[4], e[5]);
    }
}
