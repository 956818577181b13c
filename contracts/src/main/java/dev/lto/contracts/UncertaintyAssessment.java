package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The uncertainty block of a prediction (seed §3.4). */
public record UncertaintyAssessment(
        @JsonProperty("high_uncertainty") boolean highUncertainty,
        @JsonProperty("recommend_physics_simulation") boolean recommendPhysicsSimulation,
        @JsonProperty("confidence_level") ConfidenceLevel confidenceLevel) {
}
