package dev.lto.engine.data;

import dev.lto.engine.EngineApi;
import dev.lto.contracts.JobParameters;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SignalIntermediates;

/**
 * One simulated job of a campaign: its parameters, the six true signals ({@code TradeoffSignals}
 * order), the pattern k₁ the simulator reported, whether it is critical, and its split.
 *
 * @param intermediates the physical intermediates the true signals were composed from; null when the
 *                      adapter does not compose its signals from intermediates
 * @param lite          the adapter's physics-lite estimate of the same job; null when it has none
 */
@EngineApi
public record CampaignSample(String campaignId, int index, String stratum, Split split, JobParameters parameters,
                             double[] signals, double k1, boolean critical, String imagingPath, double computeTimeS,
                             SignalIntermediates intermediates, LiteEstimate lite) {

    public CampaignSample withSplit(Split newSplit) {
        return new CampaignSample(campaignId, index, stratum, newSplit, parameters, signals, k1, critical, imagingPath,
                computeTimeS, intermediates, lite);
    }
}
