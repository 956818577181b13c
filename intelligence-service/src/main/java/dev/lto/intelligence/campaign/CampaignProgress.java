package dev.lto.intelligence.campaign;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** Where a running campaign stands: jobs done of planned, failures, elapsed and estimated remaining time. */
public record CampaignProgress(
        @JsonProperty("campaign_id") String campaignId,
        int done,
        int planned,
        int failed,
        @JsonProperty("critical_share") double criticalShare,
        @JsonProperty("elapsed_s") double elapsedS,
        @JsonProperty("eta_s") double etaS) {

    public double fraction() {
        return planned == 0 ? 1 : Math.min(1, (double) done / planned);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %d/%d jobs (%.0f%%), %d failed, critical %.0f%%, %.2f s/job, ETA %s",
                campaignId, done, planned, 100 * fraction(), failed, 100 * criticalShare,
                done == 0 ? Double.NaN : elapsedS / done, human(Duration.ofMillis((long) (etaS * 1000))));
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
