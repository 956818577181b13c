package dev.lto.intelligence.preflight;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.SignalPredictions;
import dev.lto.contracts.TradeoffPrediction;
import java.util.List;

/**
 * The gate's verdict on one job: the engine's prediction (seed §3.4 shape), whether the job is
 * blocked, the violations that block it, predicted violations of blocking limits too uncertain to
 * block on, and alternatives that satisfy the profile (closest first). {@code shadow}: the shadow
 * candidate's answer for the same job when one was loaded (stored, never part of the decision; null otherwise).
 */
public record PreflightDecision(
        TradeoffPrediction prediction,
        boolean blocked,
        @JsonProperty("blocking_violations") List<ConstraintViolation> blockingViolations,
        @JsonProperty("unconfirmed_violations") List<ConstraintViolation> unconfirmedViolations,
        List<Alternative> alternatives,
        @JsonIgnore ShadowPrediction shadow) {

    /** The shadow candidate's answer: its version, the six signals with intervals, its flags and its time. */
    public record ShadowPrediction(String modelVersion, SignalPredictions predictions, boolean highUncertainty,
                                   boolean recommendPhysics, double inferenceTimeMs) {
    }

    public PreflightDecision(TradeoffPrediction prediction, boolean blocked, List<ConstraintViolation> blockingViolations,
                             List<ConstraintViolation> unconfirmedViolations, List<Alternative> alternatives) {
        this(prediction, blocked, blockingViolations, unconfirmedViolations, alternatives, null);
    }

    public PreflightDecision {
        blockingViolations = List.copyOf(blockingViolations);
        unconfirmedViolations = unconfirmedViolations == null ? List.of() : List.copyOf(unconfirmedViolations);
        alternatives = List.copyOf(alternatives);
    }

    /** One sentence for the state history (null for a job that passes with nothing to say). */
    public String reason() {
        if (!blocked) {
            if (unconfirmedViolations.isEmpty()) {
                return null;
            }
            return "predicted to break " + String.join("; ", unconfirmedViolations.stream().map(ConstraintViolation::message).toList())
                    + "; not blocked: the prediction is too uncertain (physics recommended), the simulation decides";
        }
        String why = String.join("; ", blockingViolations.stream().map(ConstraintViolation::message).toList());
        boolean meet = alternatives.stream().allMatch(Alternative::meetsProfile);
        boolean verified = !alternatives.isEmpty() && alternatives.stream().allMatch(a -> a.verifiedBy() != null);
        String by = verified ? " (verified by physics-lite)" : "";
        return "profile '" + prediction.constraints().profile() + "' violated: " + why + "; "
                + (alternatives.isEmpty() ? "no alternative nearby clears its blocking limits"
                : meet ? alternatives.size() + " alternative(s) offered" + by
                : "nothing nearby meets the whole profile" + by + "; " + alternatives.size()
                        + " alternative(s) offered that clear its blocking limits");
    }
}
