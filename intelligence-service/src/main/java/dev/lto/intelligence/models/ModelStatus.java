package dev.lto.intelligence.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.intelligence.campaign.CampaignProgress;
import java.util.Map;

/**
 * What {@code GET /api/v1/models/current} reports: the serving state (NONE, LOADING, BOOTSTRAPPING,
 * READY, FAILED), the loaded version with its registry row and artifact metadata, and the
 * bootstrap's progress and ETA while it runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelStatus(
        @JsonProperty("status") State status,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("message") String message,
        @JsonProperty("progress") CampaignProgress progress,
        @JsonProperty("registry") Object registry,
        @JsonProperty("artifact") Object artifact,
        @JsonProperty("calibration") Map<String, Object> calibration,
        @JsonProperty("gates_passed") Boolean gatesPassed) {

    public enum State { NONE, LOADING, BOOTSTRAPPING, TRAINING, READY, FAILED }
}
