package dev.lto.intelligence.campaign;

import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SignalIntermediates;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Campaign datasets in DuckDB ({@code training_campaigns}, {@code training_samples}; see
 * schema-models.sql). Written only by the orchestrator process (or a command run with the service
 * stopped): DuckDB has a single writer.
 */
@Repository
public class CampaignStore {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final JdbcClient jdbc;
    private final JsonMapper json;

    CampaignStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void createCampaign(String id, String sampler, long seed, int planned, double criticalTarget, String adapter,
                        String config) {
        jdbc.sql("""
                INSERT INTO training_campaigns (campaign_id, created_at, status, sampler, seed, planned_samples,
                    critical_target, adapter_type, config)
                VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?::JSON)
                ON CONFLICT (campaign_id) DO UPDATE SET status = 'RUNNING'""")
                .params(id, Timestamp.from(Instant.now()), sampler, seed, planned, criticalTarget, adapter, config)
                .update();
    }

    void finishCampaign(String id, String status, int samples, double criticalShare, String simulatorVersion) {
        jdbc.sql("""
                UPDATE training_campaigns SET status = ?, finished_at = ?, samples = ?, critical_share = ?,
                    simulator_version = ? WHERE campaign_id = ?""")
                .params(status, Timestamp.from(Instant.now()), samples, criticalShare, simulatorVersion, id).update();
    }

    Set<Integer> doneIndices(String campaignId) {
        return new HashSet<>(jdbc.sql("SELECT sample_idx FROM training_samples WHERE campaign_id = ?")
                .param(campaignId).query(Integer.class).list());
    }

    void insert(String campaignId, int index, String stratum, SimulationResult r, boolean critical,
                SignalIntermediates intermediates, LiteEstimate lite) {
        JobParameters p = r.parameters();
        double[] s = r.tradeoffSignals().toArray();
        var out = r.outputs();
        jdbc.sql("""
                INSERT INTO training_samples (campaign_id, sample_idx, job_id, stratum, parameters, na, wavelength_nm,
                    dose_mj_cm2, sigma, resist_thickness_nm, grid_size_nm, pattern_complexity, use_ai_surrogate,
                    job_class, k1, resolution_nm, depth_of_focus_nm, pattern_fidelity, speed_vs_accuracy,
                    resolution_vs_dof, cost_vs_fidelity, surrogate_reliability, yield_risk, overall_health, critical,
                    imaging_path, compute_time_s, simulator_version, simulated_at, intermediates, lite_signals,
                    lite_error, lite_intermediates, lite_fidelity, lite_seconds)
                VALUES (?, ?, ?, ?, ?::JSON, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        ?::DOUBLE[], ?::DOUBLE[], ?::DOUBLE[], ?::DOUBLE[], ?, ?)
                ON CONFLICT (campaign_id, sample_idx) DO NOTHING""")
                .params(campaignId, index, r.jobId(), stratum, json.writeValueAsString(p), p.na(), p.wavelengthNm(),
                        p.doseMjCm2(), p.sigma(), p.resistThicknessNm(), p.gridSizeNm(), p.patternComplexity().name(),
                        p.useAiSurrogate(), p.jobClass(), out.k1(), out.resolutionNm(), out.depthOfFocusNm(),
                        out.patternFidelity(), s[0], s[1], s[2], s[3], s[4], s[5], critical,
                        r.computeStats().imagingPath(), r.computeStats().computeTimeS(), r.simulatorVersion(),
                        Timestamp.from(r.timestamp()), list(intermediates == null ? null : physical(intermediates)),
                        list(lite == null ? null : lite.signals().toArray()), list(lite == null ? null : lite.errorEstimate()),
                        list(lite == null ? null : physical(lite.intermediates())), lite == null ? null : lite.fidelity(),
                        lite == null ? null : lite.computeSeconds())
                .update();
    }

    /** Replaces a stored job's physics-lite estimate (after the estimator's fidelity changed). */
    void updateLite(String campaignId, int index, LiteEstimate lite) {
        jdbc.sql("""
                UPDATE training_samples SET lite_signals = ?::DOUBLE[], lite_error = ?::DOUBLE[],
                    lite_intermediates = ?::DOUBLE[], lite_fidelity = ?, lite_seconds = ?
                WHERE campaign_id = ? AND sample_idx = ?""")
                .params(list(lite.signals().toArray()), list(lite.errorEstimate()), list(physical(lite.intermediates())),
                        lite.fidelity(), lite.computeSeconds(), campaignId, index)
                .update();
    }

    /**
     * The four intermediates in their physical units, {@link SignalIntermediates} order (the storage form, here
     * and in the training buffer).
     */
    public static double[] physical(SignalIntermediates x) {
        return new double[] {x.patternFidelity(), x.depthOfFocusNm(), x.failureProbability(), x.edgeLogSlope()};
    }

    /** A DuckDB list literal ({@code [1.0, 2.5]}) for a {@code ?::DOUBLE[]} parameter; null stays null. */
    public static String list(double[] v) {
        if (v == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("non-finite value " + v[i] + " at position " + i);
            }
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(']').toString();
    }

    /** A stored DOUBLE[] column; null stays null. */
    public static double[] doubles(ResultSet rs, String column) throws SQLException {
        Array a = rs.getArray(column);
        if (a == null) {
            return null;
        }
        Object[] values = (Object[]) a.getArray();
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ((Number) values[i]).doubleValue();
        }
        return out;
    }

    /** The inverse of {@link #physical}; null stays null. */
    public static SignalIntermediates intermediates(double[] v) {
        return v == null ? null : new SignalIntermediates(v[0], v[1], v[2], v[3]);
    }

    /** One statement for the whole campaign (one UPDATE per job took ≈ 10 ms each: 50 s for 5,000 jobs). */
    void assignSplits(String campaignId, List<CampaignSample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        StringBuilder idx = new StringBuilder("[");
        StringBuilder split = new StringBuilder("[");
        for (CampaignSample s : samples) {
            idx.append(idx.length() == 1 ? "" : ", ").append(s.index());
            split.append(split.length() == 1 ? "" : ", ").append(s.split().name()); // enum names: no quoting needed
        }
        jdbc.sql("""
                        UPDATE training_samples SET split = v.split
                        FROM (SELECT unnest(?::INTEGER[]) AS idx, unnest(?::VARCHAR[]) AS split) v
                        WHERE campaign_id = ? AND sample_idx = v.idx""")
                .params(idx.append(']').toString(), split.append(']').toString(), campaignId).update();
    }

    /** Every stored job of a campaign, in index order (split null until the campaign finished). */
    public List<CampaignSample> load(String campaignId) {
        return jdbc.sql("""
                SELECT sample_idx, stratum, split, parameters::VARCHAR AS p, speed_vs_accuracy, resolution_vs_dof,
                       cost_vs_fidelity, surrogate_reliability, yield_risk, overall_health, k1, critical,
                       imaging_path, compute_time_s, intermediates, lite_signals, lite_error, lite_intermediates,
                       lite_fidelity, lite_seconds
                FROM training_samples WHERE campaign_id = ? ORDER BY sample_idx""")
                .param(campaignId)
                .query((rs, i) -> {
                    double[] sig = new double[6];
                    for (int j = 0; j < 6; j++) {
                        sig[j] = rs.getDouble(5 + j);
                    }
                    double k1 = rs.getDouble("k1");
                    if (rs.wasNull()) {
                        k1 = Double.NaN;
                    }
                    String split = rs.getString("split");
                    double[] liteSignals = doubles(rs, "lite_signals");
                    LiteEstimate lite = liteSignals == null ? null : new LiteEstimate(TradeoffSignals.fromArray(liteSignals),
                            intermediates(doubles(rs, "lite_intermediates")), doubles(rs, "lite_error"),
                            rs.getString("lite_fidelity"), rs.getDouble("lite_seconds"));
                    return new CampaignSample(campaignId, rs.getInt("sample_idx"), rs.getString("stratum"),
                            split == null ? null : Split.valueOf(split),
                            json.readValue(rs.getString("p"), JobParameters.class), sig, k1, rs.getBoolean("critical"),
                            rs.getString("imaging_path"), rs.getDouble("compute_time_s"),
                            intermediates(doubles(rs, "intermediates")), lite);
                }).list();
    }

    /** The seed a campaign was designed with (its split is derived from it). */
    public Optional<Long> seedOf(String campaignId) {
        return jdbc.sql("SELECT seed FROM training_campaigns WHERE campaign_id = ?").param(campaignId).query(Long.class).optional();
    }

    /** The most recent finished campaign, if any. */
    public Optional<String> latestFinished() {
        return jdbc.sql("""
                SELECT campaign_id FROM training_campaigns WHERE status = 'FINISHED'
                ORDER BY finished_at DESC LIMIT 1""").query(String.class).optional();
    }

    public List<String> finishedCampaigns() {
        return jdbc.sql("SELECT campaign_id FROM training_campaigns WHERE status = 'FINISHED' ORDER BY finished_at")
                .query(String.class).list();
    }

    /** Writes a campaign's dataset (without the JSON column) as Parquet or CSV, chosen by the file's extension. */
    public Path export(String campaignId, Path file) {
        if (!SAFE_ID.matcher(campaignId).matches()) {
            throw new IllegalArgumentException("bad campaign id " + campaignId);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".parquet") ? "FORMAT parquet" : name.endsWith(".csv") ? "FORMAT csv, HEADER"
                : null;
        if (format == null) {
            throw new IllegalArgumentException("export file must end in .parquet or .csv: " + file);
        }
        String path = file.toAbsolutePath().toString().replace("'", "''");
        jdbc.sql("COPY (SELECT * EXCLUDE (parameters) FROM training_samples WHERE campaign_id = '" + campaignId
                + "' ORDER BY sample_idx) TO '" + path + "' (" + format + ")").update();
        return file;
    }

    /** Every column of a campaign's jobs, parameters as JSON text, as zstd Parquet (reference data). */
    void exportAll(String campaignId, Path file) {
        if (!SAFE_ID.matcher(campaignId).matches()) {
            throw new IllegalArgumentException("bad campaign id " + campaignId);
        }
        String path = file.toAbsolutePath().toString().replace("'", "''");
        jdbc.sql("COPY (SELECT * REPLACE (parameters::VARCHAR AS parameters) FROM training_samples WHERE campaign_id = '"
                + campaignId + "' ORDER BY sample_idx) TO '" + path + "' (FORMAT parquet, COMPRESSION zstd)").update();
    }

    List<String> ids() {
        return new ArrayList<>(jdbc.sql("SELECT campaign_id FROM training_campaigns").query(String.class).list());
    }
}
