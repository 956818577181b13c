package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The constraints block of a prediction (seed §3.4): a profile's verdict on one job. */
public record ConstraintEvaluation(
        @JsonProperty("profile") String profile,
        @JsonProperty("all_satisfied") boolean allSatisfied,
        List<ConstraintViolation> violations) {

    public ConstraintEvaluation {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }
}
