package dev.lto.intelligence.campaign;

import dev.lto.engine.models.FakePhysics;
import java.nio.file.Path;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** A DuckDB file with the tradeoff-engine schema, for tests that need no Spring context. */
public final class DuckDbTestSupport {

    private DuckDbTestSupport() {
    }

    public static SingleConnectionDataSource dataSource(Path dir) {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema-models.sql")).execute(ds);
        return ds;
    }

    public static CampaignStore store(JdbcClient jdbc) {
        return new CampaignStore(jdbc, tools.jackson.databind.json.JsonMapper.builder().build());
    }

    public static TrainingCampaign campaign(FakePhysics sim, CampaignStore store) {
        return new TrainingCampaign(new dev.lto.simulator.spi.SimulatorAdapters(java.util.List.of(sim)), store,
                tools.jackson.databind.json.JsonMapper.builder().build());
    }

    public static CampaignProperties spec(int samples, long seed) {
        return new CampaignProperties(samples, seed, 0.15, 0.5, "fake", 1, 0.8,
                new CampaignProperties.Split(0.55, 0.2, 0.1), java.time.Duration.ofSeconds(30));
    }

    /**
     * Stores a campaign as a finished campaign run leaves it (jobs, signals, intermediates, lite estimates,
     * splits) in one statement from a JSON-lines file: one INSERT per job takes 10–100 ms on a loaded
     * machine, minutes for a few thousand jobs. {@link CampaignStore#load} reads them back.
     */
    public static void storeCampaign(JdbcClient jdbc, String campaignId, java.util.List<dev.lto.engine.data.CampaignSample> samples)
            throws java.io.IOException {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        Path file = java.nio.file.Files.createTempFile("campaign-", ".jsonl");
        try {
            StringBuilder out = new StringBuilder();
            for (dev.lto.engine.data.CampaignSample s : samples) {
                java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("idx", s.index());
                row.put("stratum", s.stratum());
                row.put("split", s.split().name());
                row.put("parameters", json.writeValueAsString(s.parameters()));
                row.put("signals", s.signals());
                row.put("k1", s.k1());
                row.put("critical", s.critical());
                row.put("intermediates", s.intermediates() == null ? null : CampaignStore.physical(s.intermediates()));
                row.put("lite_signals", s.lite() == null ? null : s.lite().signals().toArray());
                row.put("lite_error", s.lite() == null ? null : s.lite().errorEstimate());
                row.put("lite_intermediates", s.lite() == null ? null : CampaignStore.physical(s.lite().intermediates()));
                row.put("lite_fidelity", s.lite() == null ? null : s.lite().fidelity());
                row.put("lite_seconds", s.lite() == null ? null : s.lite().computeSeconds());
                out.append(json.writeValueAsString(row)).append('\n');
            }
            java.nio.file.Files.writeString(file, out);
            jdbc.sql("""
                            INSERT INTO training_samples (campaign_id, sample_idx, job_id, stratum, split, parameters,
                                speed_vs_accuracy, resolution_vs_dof, cost_vs_fidelity, surrogate_reliability, yield_risk,
                                overall_health, k1, critical, imaging_path, compute_time_s, simulated_at, intermediates,
                                lite_signals, lite_error, lite_intermediates, lite_fidelity, lite_seconds)
                            SELECT ?, idx, ? || idx, stratum, split, parameters::JSON, signals[1], signals[2], signals[3],
                                signals[4], signals[5], signals[6], k1, critical, 'fake', 0, now()::TIMESTAMP, intermediates,
                                lite_signals, lite_error, lite_intermediates, lite_fidelity, lite_seconds
                            FROM read_json(?, format = 'newline_delimited', columns = {idx: 'INTEGER', stratum: 'VARCHAR',
                                split: 'VARCHAR', parameters: 'VARCHAR', signals: 'DOUBLE[]', k1: 'DOUBLE', critical: 'BOOLEAN',
                                intermediates: 'DOUBLE[]', lite_signals: 'DOUBLE[]', lite_error: 'DOUBLE[]',
                                lite_intermediates: 'DOUBLE[]', lite_fidelity: 'VARCHAR', lite_seconds: 'DOUBLE'})""")
                    .params(campaignId, campaignId + "_", file.toString()).update();
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** Reference data (none shipped at this location), for tests outside this package that build the model service. */
    public static ReferenceData reference(JdbcClient jdbc, CampaignStore store, dev.lto.simulator.spi.SimulatorAdapters adapters) {
        return new ReferenceData(jdbc, store, adapters, tools.jackson.databind.json.JsonMapper.builder().build(),
                "classpath:no-reference-data/");
    }
}
