package dev.lto.intelligence.models;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Criticality;
import dev.lto.engine.data.Split;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.simulator.spi.SignalIntermediates;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A retrain run's jobs: every job of the campaigns the serving model was trained on (with their stored
 * splits), plus the completed jobs of the training buffer (parameters, actual signals and, where the
 * adapter composes its signals from them, the intermediates; anomalies included: they are real truths).
 * A buffer job with intermediates goes to train / calibration / validation / test by a hash of its job id,
 * cut at the campaigns' split fractions: the same job lands in the same split in every run, and the
 * candidate learns the jobs the fab runs now (docs/ml.md §13). A buffer job without intermediates (an
 * older row, an ingested result of another simulator) can only be held out (TEST): the structured learners
 * need the intermediates of every job they train on. A buffer job without k₁ is skipped. The buffer stores
 * no physics-lite estimate (the preflight does not keep one): buffer jobs never calibrate physics-lite, and
 * the cascade answers them with its first stage where it would route them to physics-lite.
 */
final class RetrainData implements Supplier<Retraining.TrainingData> {

    static final String BUFFER_CAMPAIGN = "training_buffer";

    private final ModelService models;
    private final CampaignStore campaigns;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final CampaignProperties.Split fractions;

    RetrainData(ModelService models, CampaignStore campaigns, JdbcClient jdbc, JsonMapper json,
                CampaignProperties.Split fractions) {
        this.models = models;
        this.campaigns = campaigns;
        this.jdbc = jdbc;
        this.json = json;
        this.fractions = fractions;
    }

    @Override
    public Retraining.TrainingData get() {
        // A model retrained earlier lists the buffer among its "campaigns"; the buffer is read below, whole.
        List<String> ids = models.servingCampaigns().stream().filter(id -> !BUFFER_CAMPAIGN.equals(id)).toList();
        if (ids.isEmpty()) {
            throw new IllegalStateException("the serving model has no training campaign (physics-lite alone, or none serves)");
        }
        List<CampaignSample> samples = new ArrayList<>();
        for (String id : ids) {
            samples.addAll(campaigns.load(id));
        }
        int campaignJobs = samples.size();
        record Row(String jobId, Instant addedAt, String parameters, String signals, Double k1, double[] intermediates) {
        }
        List<Row> rows = jdbc.sql("""
                        SELECT job_id, added_at, parameters, signals, k1, intermediates FROM training_buffer
                        ORDER BY added_at, job_id""")
                .query((rs, i) -> new Row(rs.getString("job_id"),
                        rs.getObject("added_at", LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString("parameters"),
                        rs.getString("signals"), (Double) rs.getObject("k1"), CampaignStore.doubles(rs, "intermediates")))
                .list();
        Map<String, Integer> perSplit = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            perSplit.put(s.name().toLowerCase(Locale.ROOT), 0);
        }
        int used = 0;
        int skipped = 0;
        int withoutIntermediates = 0;
        Instant from = null;
        Instant to = null;
        for (Row row : rows) {
            if (row.k1() == null || !Double.isFinite(row.k1())) {
                skipped++;
                continue;
            }
            JobParameters p = json.readValue(row.parameters(), JobParameters.class);
            double[] s = json.readValue(row.signals(), TradeoffSignals.class).toArray();
            SignalIntermediates x = CampaignStore.intermediates(row.intermediates());
            Split split = x == null ? Split.TEST : split(row.jobId(), fractions);
            withoutIntermediates += x == null ? 1 : 0;
            perSplit.merge(split.name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            samples.add(new CampaignSample(BUFFER_CAMPAIGN, used, "buffer:" + row.jobId(), split, p, s, row.k1(),
                    Criticality.isCritical(s, row.k1()), null, 0, x, null));
            used++;
            from = from == null ? row.addedAt() : from;
            to = row.addedAt();
        }
        String use = String.format(Locale.ROOT, "split by a hash of the job id at the campaigns' fractions (train %.2f,"
                        + " calibration %.2f, validation %.2f, test the rest); without intermediates: test only",
                fractions.train(), fractions.calibration(), fractions.validation());
        return new Retraining.TrainingData(samples, new Retraining.Provenance(ids, campaignJobs, used, skipped, perSplit,
                withoutIntermediates, from, to, use));
    }

    /**
     * A buffer job's split: the first 8 bytes of SHA-256(job id) as a uniform number in [0, 1), cut at the
     * cumulative fractions. Stable across runs and processes, independent of the order jobs arrive in.
     */
    static Split split(String jobId, CampaignProperties.Split fractions) {
        double u;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            u = (ByteBuffer.wrap(h).getLong() >>> 11) * 0x1.0p-53; // the top 53 bits: exact in a double
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        double train = fractions.train();
        double cal = train + fractions.calibration();
        double val = cal + fractions.validation();
        return u < train ? Split.TRAIN : u < cal ? Split.CALIBRATION : u < val ? Split.VALIDATION : Split.TEST;
    }
}
