package dev.lto.intelligence.campaign;

import dev.lto.engine.data.Split;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Training-campaign settings, prefix {@code lto.models.campaign} (lto-models.yml).
 *
 * @param samples        planned jobs of the base Latin-hypercube design
 * @param seed           seed of the design and of the split (same seed, same campaign)
 * @param criticalShare  minimum share of critical jobs (ML.md); a critical-enriched top-up runs until reached
 * @param maxTopUp       at most this many top-up jobs, as a fraction of {@code samples}
 * @param adapter        simulator adapter that computes the truth
 * @param parallelism    simulator calls in flight (the physics simulator already uses every core per job)
 * @param toolLineShare  share of jobs at the real tool wavelengths (13.5, 193, 248, 365 nm); the rest log-uniform in 10–400 nm
 * @param split          fractions of jobs per split (stratified by criticality); the test share is the rest
 * @param progressEvery  log progress at most this often
 */
@ConfigurationProperties("lto.models.campaign")
public record CampaignProperties(
        @DefaultValue("2000") int samples,
        @DefaultValue("20260101") long seed,
        @DefaultValue("0.15") double criticalShare,
        @DefaultValue("0.5") double maxTopUp,
        @DefaultValue("synthetic") String adapter,
        @DefaultValue("1") int parallelism,
        @DefaultValue("0.8") double toolLineShare,
        @DefaultValue Split split,
        @DefaultValue("10s") java.time.Duration progressEvery) {

    /** Train / calibration / validation fractions; test takes 1 − their sum. */
    public record Split(@DefaultValue("0.55") double train, @DefaultValue("0.2") double calibration,
                        @DefaultValue("0.1") double validation) {

        public Split {
            if (train <= 0 || calibration <= 0 || validation <= 0 || train + calibration + validation >= 1) {
                throw new IllegalArgumentException("split fractions must be positive and leave a test share");
            }
        }
    }

    public CampaignProperties withSamples(int n, long newSeed) {
        return new CampaignProperties(n, newSeed, criticalShare, maxTopUp, adapter, parallelism, toolLineShare, split,
                progressEvery);
    }
}
