package dev.lto.engine.registry;

import dev.lto.engine.EngineApi;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The seed's {@code model_registry} table (status shadow / production / retired) and the
 * {@code model_deployments} history of which version served when (audit, rollback). Promotion is
 * one transaction: the old production row retires and the new one deploys together.
 */
@EngineApi
public final class ModelRegistry {

    /** One registry row. */
    public record Entry(@JsonProperty("model_id") String modelId, @JsonProperty("version") String version,
                 @JsonProperty("trained_at") Instant trainedAt, @JsonProperty("deployed_at") Instant deployedAt,
                 @JsonProperty("retired_at") Instant retiredAt, @JsonProperty("status") String status,
                 @JsonProperty("training_samples") Integer trainingSamples,
                 @JsonProperty("overall_accuracy") Double overallAccuracy,
                 @JsonProperty("critical_accuracy") Double criticalAccuracy,
                 @JsonProperty("artifact_path") String artifactPath) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public ModelRegistry(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    public String nextVersion() {
        int n = jdbc.sql("SELECT count(*) FROM model_registry").query(Integer.class).single();
        return "v" + (n + 1);
    }

    public void register(String version, int trainingSamples, Double accuracy, Double criticalAccuracy, String artifactPath) {
        jdbc.sql("""
                INSERT INTO model_registry (model_id, version, trained_at, status, training_samples, overall_accuracy,
                    critical_accuracy, artifact_path) VALUES (?, ?, ?, 'shadow', ?, ?, ?, ?)""")
                .params("model_" + version, version, Timestamp.from(Instant.now()), trainingSamples,
                        finite(accuracy), finite(criticalAccuracy), artifactPath)
                .update();
        history(version, "registered", "status shadow");
    }

    public void promote(String version, String reason) {
        tx.executeWithoutResult(status -> {
            Timestamp now = Timestamp.from(Instant.now());
            for (String old : jdbc.sql("SELECT version FROM model_registry WHERE status = 'production'").query(String.class).list()) {
                jdbc.sql("UPDATE model_registry SET status = 'retired', retired_at = ? WHERE version = ?").params(now, old).update();
                history(old, "retired", "replaced by " + version);
            }
            jdbc.sql("UPDATE model_registry SET status = 'production', deployed_at = ?, retired_at = NULL WHERE version = ?")
                    .params(now, version).update();
            history(version, "production", reason);
        });
    }

    public Optional<Entry> production() {
        return jdbc.sql("SELECT * FROM model_registry WHERE status = 'production' ORDER BY deployed_at DESC LIMIT 1")
                .query(this::row).optional();
    }

    public Optional<Entry> find(String version) {
        return jdbc.sql("SELECT * FROM model_registry WHERE version = ?").param(version).query(this::row).optional();
    }

    public List<Entry> all() {
        return jdbc.sql("SELECT * FROM model_registry ORDER BY trained_at").query(this::row).list();
    }

    private void history(String version, String event, String reason) {
        jdbc.sql("INSERT INTO model_deployments (version, event, occurred_at, reason) VALUES (?, ?, ?, ?)")
                .params(version, event, Timestamp.from(Instant.now()), reason).update();
    }

    private Entry row(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Entry(rs.getString("model_id"), rs.getString("version"), instant(rs, "trained_at"),
                instant(rs, "deployed_at"), instant(rs, "retired_at"), rs.getString("status"),
                (Integer) rs.getObject("training_samples"), (Double) rs.getObject("overall_accuracy"),
                (Double) rs.getObject("critical_accuracy"), rs.getString("artifact_path"));
    }


    /** Timestamps as every LTO table stores them: DuckDB TIMESTAMP (no zone), holding UTC. */
    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        java.time.LocalDateTime t = rs.getObject(column, java.time.LocalDateTime.class);
        return t == null ? null : t.toInstant(java.time.ZoneOffset.UTC);
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }
}
