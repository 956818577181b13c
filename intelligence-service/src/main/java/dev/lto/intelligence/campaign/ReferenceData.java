package dev.lto.intelligence.campaign;

import dev.lto.engine.data.CampaignSample;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference campaign shipped inside the service ({@code reference/campaign.parquet} and its
 * manifest {@code reference/campaign.json} on the classpath, made by the {@code reference} command,
 * docs/ml.md §9; {@code lto.models.reference-location} points elsewhere, e.g. {@code file:/opt/lto/reference/}): a
 * few thousand physics jobs with their intermediates and physics-lite estimates, so that a fresh
 * install calibrates physics-lite and trains a first stage in about a minute instead of simulating
 * for hours. Used only while the adapter's simulator version is the one the data was simulated with;
 * {@code ReferenceDataTest} re-simulates a sample of rows and fails when the data is stale.
 */
@Component
public class ReferenceData {

    private static final Logger log = LoggerFactory.getLogger(ReferenceData.class);
    static final String PARQUET = "campaign.parquet";
    static final String MANIFEST = "campaign.json";

    /** The manifest: which campaign, which simulator, how it was made. */
    public record Manifest(@JsonProperty("campaign_id") String campaignId,
                           @JsonProperty("adapter_type") String adapterType,
                           @JsonProperty("simulator_version") String simulatorVersion,
                           @JsonProperty("seed") long seed,
                           @JsonProperty("samples") int samples,
                           @JsonProperty("critical_share") double criticalShare,
                           @JsonProperty("lite_fidelity") String liteFidelity,
                           @JsonProperty("command") String command,
                           @JsonProperty("created_at") Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final CampaignStore store;
    private final SimulatorAdapters adapters;
    private final JsonMapper json;
    private final String location;
    private final ResourceLoader resources = new DefaultResourceLoader();

    ReferenceData(JdbcClient jdbc, CampaignStore store, SimulatorAdapters adapters, JsonMapper json,
                  @Value("${lto.models.reference-location:classpath:reference/}") String location) {
        this.jdbc = jdbc;
        this.store = store;
        this.adapters = adapters;
        this.json = json;
        this.location = location.endsWith("/") ? location : location + "/";
    }

    private Resource resource(String name) {
        return resources.getResource(location + name);
    }

    /** The shipped manifest, if the service carries reference data. */
    public Optional<Manifest> manifest() {
        Resource r = resource(MANIFEST);
        if (!r.exists()) {
            return Optional.empty();
        }
        try (InputStream in = r.getInputStream()) {
            return Optional.of(json.readValue(in, Manifest.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location + MANIFEST, e);
        }
    }

    public String campaignId() {
        return manifest().map(Manifest::campaignId).orElse(null);
    }

    /**
     * The reference campaign's jobs with their splits, imported into the store on first use; empty
     * when the service carries none, when it was simulated by another adapter than {@code adapterType}
     * (the one the engine learns from), or when that adapter's simulator version differs from the
     * data's (then the data would teach a model the wrong physics).
     */
    public Optional<List<CampaignSample>> load(String adapterType) {
        Optional<Manifest> m = manifest();
        if (m.isEmpty() || !m.get().adapterType().equals(adapterType)) {
            return Optional.empty();
        }
        Manifest man = m.get();
        Optional<SimulatorInterface> adapter = adapters.find(man.adapterType());
        String current = adapter.map(a -> a.healthCheck().simulatorVersion()).orElse(null);
        if (!man.simulatorVersion().equals(current)) {
            log.warn("Reference campaign {} was simulated by {} {}, but the adapter is {}: not used", man.campaignId(),
                    man.adapterType(), man.simulatorVersion(), current == null ? "absent" : current);
            return Optional.empty();
        }
        if (!store.ids().contains(man.campaignId())) {
            importParquet(man);
        }
        return Optional.of(store.load(man.campaignId()));
    }

    private void importParquet(Manifest man) {
        long t0 = System.nanoTime();
        Path tmp = null;
        try (InputStream in = resource(PARQUET).getInputStream()) {
            tmp = Files.createTempFile("lto-reference-", ".parquet");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            String path = tmp.toAbsolutePath().toString().replace("'", "''");
            // Samples first (after any left by an earlier failed import), the campaign row last: a failed import
            // leaves no campaign that looks imported.
            jdbc.sql("DELETE FROM training_samples WHERE campaign_id = ?").param(man.campaignId()).update();
            jdbc.sql("INSERT INTO training_samples BY NAME SELECT * REPLACE (parameters::JSON AS parameters) FROM read_parquet('"
                    + path + "')").update();
            jdbc.sql("""
                    INSERT INTO training_campaigns (campaign_id, created_at, finished_at, status, sampler, seed,
                        planned_samples, critical_target, adapter_type, simulator_version, samples, critical_share, config)
                    VALUES (?, ?, ?, 'FINISHED', 'reference', ?, ?, NULL, ?, ?, ?, ?, ?::JSON)""")
                    .params(man.campaignId(), Timestamp.from(man.createdAt()), Timestamp.from(Instant.now()), man.seed(),
                            man.samples(), man.adapterType(), man.simulatorVersion(), man.samples(), man.criticalShare(),
                            json.writeValueAsString(man))
                    .update();
            log.info("Reference campaign {} imported: {} jobs ({} {}) in {} ms", man.campaignId(), man.samples(),
                    man.adapterType(), man.simulatorVersion(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + location + PARQUET, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /**
     * Writes a campaign's jobs as reference data into {@code dir} (campaign.parquet with every column,
     * parameters as JSON text; campaign.json the manifest). {@code s} are its jobs with their splits
     * (an interrupted campaign's from its seed, as training assigns them); the splits are stored first.
     */
    public Manifest write(String campaignId, List<CampaignSample> s, Path dir, String command) {
        if (s.isEmpty() || s.stream().anyMatch(x -> x.split() == null || !x.campaignId().equals(campaignId))) {
            throw new IllegalArgumentException("campaign " + campaignId + ": no jobs, or jobs without a split");
        }
        store.assignSplits(campaignId, s);
        var row = jdbc.sql("SELECT adapter_type, simulator_version, seed FROM training_campaigns WHERE campaign_id = ?")
                .param(campaignId).query((rs, i) -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)}).single();
        String lite = s.stream().filter(x -> x.lite() != null).map(x -> x.lite().fidelity()).findFirst().orElse(null);
        double critical = s.stream().filter(CampaignSample::critical).count() / (double) s.size();
        Manifest man = new Manifest(campaignId, (String) row[0], (String) row[1], (Long) row[2], s.size(), critical, lite,
                command, Instant.now());
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("campaign.parquet").toAbsolutePath();
            Files.deleteIfExists(file);
            store.exportAll(campaignId, file);
            Files.write(dir.resolve("campaign.json"), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(man));
            return man;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write reference data to " + dir, e);
        }
    }
}
