package dev.lto.intelligence.preflight;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SignalPredictions;
import java.util.List;
import java.util.Map;

/**
 * A parameter set near a blocked job that the engine predicts to satisfy its profile
 * ({@code meetsProfile}), or, when nothing nearby does, at least every blocking limit of it; then
 * {@code remainingViolations} lists the non-blocking limits it still breaks.
 *
 * @param changes  only the parameters that differ from the job's, new values
 * @param distance normalised distance from the job's parameters (0 = identical; each parameter's
 *                 change divided by its contract range, log scale for dose and grid)
 * @param answeredBy which cascade stage's predictions these are
 * @param verifiedBy {@code physics_lite} when physics-lite confirmed the verdict; null when only the
 *                   first stage screened it (the adapter has no physics-lite)
 */
public record Alternative(
        int rank,
        Map<String, Object> changes,
        double distance,
        JobParameters parameters,
        SignalPredictions predictions,
        @JsonProperty("recommend_physics_simulation") boolean recommendPhysics,
        @JsonProperty("meets_profile") boolean meetsProfile,
        @JsonProperty("remaining_violations") List<ConstraintViolation> remainingViolations,
        @JsonProperty("answered_by") String answeredBy,
        @JsonProperty("verified_by") String verifiedBy) {

    public Alternative {
        remainingViolations = remainingViolations == null ? List.of() : List.copyOf(remainingViolations);
    }
}
