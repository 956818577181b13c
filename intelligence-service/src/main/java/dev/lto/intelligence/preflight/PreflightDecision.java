package dev.lto.intelligence.preflight;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.TradeoffPrediction;
import java.util.List;

/**
 * The gate's verdict on one job: the engine's prediction (seed §3.4 shape), whether the job is
 * blocked, the violations that block it, and alternatives that satisfy the profile (closest first).
 */
public record PreflightDecision(
        TradeoffPrediction prediction,
        boolean blocked,
        @JsonProperty("blocking_violations") List<ConstraintViolation> blockingViolations,
        List<Alternative> alternatives) {

    public PreflightDecision {
        blockingViolations = List.copyOf(blockingViolations);
        alternatives = List.copyOf(alternatives);
    }

    /** One sentence for the state history. */
    public String reason() {
        if (!blocked) {
            return null;
        }
        String why = String.join("; ", blockingViolations.stream().map(ConstraintViolation::message).toList());
        return "profile '" + prediction.constraints().profile() + "' violated: " + why + "; "
                + (alternatives.isEmpty() ? "no alternative nearby satisfies the profile"
                : alternatives.size() + " alternative(s) offered");
    }
}
