package dev.lto.intelligence.campaign;

import dev.lto.contracts.JobParameters;

/**
 * One simulated job of a campaign: its parameters, the six true signals ({@code TradeoffSignals}
 * order), the pattern k₁ the simulator reported, whether it is critical, and its split.
 */
public record CampaignSample(String campaignId, int index, String stratum, Split split, JobParameters parameters,
                             double[] signals, double k1, boolean critical, String imagingPath, double computeTimeS) {
}
