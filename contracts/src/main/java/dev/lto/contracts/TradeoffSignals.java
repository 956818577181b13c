package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The six tradeoff scores of a job (seed §3.1), each in [0, 1]. Higher is better for every signal
 * except {@code yield_risk}, where higher means more risk.
 */
public record TradeoffSignals(
        @JsonProperty("speed_vs_accuracy") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double speedVsAccuracy,
        @JsonProperty("resolution_vs_dof") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double resolutionVsDof,
        @JsonProperty("cost_vs_fidelity") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double costVsFidelity,
        @JsonProperty("surrogate_reliability") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double surrogateReliability,
        @JsonProperty("yield_risk") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double yieldRisk,
        @JsonProperty("overall_health") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double overallHealth) {

    /** Signal names in contract order, as they appear in JSON and in the seed's schema. */
    public static final List<String> NAMES = List.of(
            "speed_vs_accuracy", "resolution_vs_dof", "cost_vs_fidelity",
            "surrogate_reliability", "yield_risk", "overall_health");

    /** Values in {@link #NAMES} order. */
    public double[] toArray() {
        return new double[] {speedVsAccuracy, resolutionVsDof, costVsFidelity, surrogateReliability, yieldRisk, overallHealth};
    }

    /** Builds signals from values in {@link #NAMES} order. */
    public static TradeoffSignals fromArray(double[] v) {
        if (v.length != NAMES.size()) {
            throw new IllegalArgumentException("expected " + NAMES.size() + " signal values, got " + v.length);
        }
        return new TradeoffSignals(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** Name → value, in {@link #NAMES} order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] v = toArray();
        for (int i = 0; i < v.length; i++) {
            m.put(NAMES.get(i), v[i]);
        }
        return m;
    }
}
