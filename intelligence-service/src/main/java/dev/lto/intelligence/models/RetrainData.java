package dev.lto.intelligence.models;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Criticality;
import dev.lto.engine.data.Split;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.intelligence.campaign.CampaignStore;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A retrain run's jobs: every job of the campaigns the serving model was trained on (with their stored
 * splits), plus the completed jobs of the training buffer (parameters and actual signals; anomalies
 * included: they are real truths). The buffer stores no signal intermediates and no physics-lite
 * estimate, so buffer jobs join the held-out (TEST) split: the candidate's gates and the comparison with
 * production are then measured on the jobs the fab is running now, and the structured learners still
 * train on campaign jobs only (docs/ml.md §13 names the gap). A buffer job without k₁ is skipped.
 */
final class RetrainData implements Supplier<Retraining.TrainingData> {

    static final String BUFFER_CAMPAIGN = "training_buffer";

    private final ModelService models;
    private final CampaignStore campaigns;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    RetrainData(ModelService models, CampaignStore campaigns, JdbcClient jdbc, JsonMapper json) {
        this.models = models;
        this.campaigns = campaigns;
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public Retraining.TrainingData get() {
        List<String> ids = models.servingCampaigns();
        if (ids.isEmpty()) {
            throw new IllegalStateException("the serving model has no training campaign (physics-lite alone, or none serves)");
        }
        List<CampaignSample> samples = new ArrayList<>();
        for (String id : ids) {
            samples.addAll(campaigns.load(id));
        }
        int campaignJobs = samples.size();
        record Row(String jobId, Instant addedAt, String parameters, String signals, Double k1) {
        }
        List<Row> rows = jdbc.sql("SELECT job_id, added_at, parameters, signals, k1 FROM training_buffer ORDER BY added_at, job_id")
                .query((rs, i) -> new Row(rs.getString("job_id"),
                        rs.getObject("added_at", LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString("parameters"),
                        rs.getString("signals"), (Double) rs.getObject("k1"))).list();
        int used = 0;
        int skipped = 0;
        Instant from = null;
        Instant to = null;
        for (Row row : rows) {
            if (row.k1() == null || !Double.isFinite(row.k1())) {
                skipped++;
                continue;
            }
            JobParameters p = json.readValue(row.parameters(), JobParameters.class);
            double[] s = json.readValue(row.signals(), TradeoffSignals.class).toArray();
            samples.add(new CampaignSample(BUFFER_CAMPAIGN, used, "buffer:" + row.jobId(), Split.TEST, p, s, row.k1(),
                    Criticality.isCritical(s, row.k1()), null, 0, null, null));
            used++;
            from = from == null ? row.addedAt() : from;
            to = row.addedAt();
        }
        return new Retraining.TrainingData(samples, new Retraining.Provenance(ids, campaignJobs, used, skipped, from, to,
                "held out (TEST): the buffer stores no intermediates to train the structured learners on"));
    }
}
