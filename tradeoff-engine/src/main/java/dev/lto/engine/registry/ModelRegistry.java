package dev.lto.engine.registry;

import dev.lto.engine.EngineApi;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The seed's {@code model_registry} table (status shadow / production / retired, and discarded for a
 * candidate that failed its gates) and the {@code model_deployments} history of which version served
 * when, who did it and why (audit, rollback). Promotion is one transaction: the old production row
 * retires and the new one deploys together. Times come from the injected clock (tests move it).
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

    /** One row of the deployment history: what happened to which version, when, who did it and why. */
    public record Deployment(@JsonProperty("version") String version, @JsonProperty("event") String event,
                             @JsonProperty("occurred_at") Instant occurredAt, @JsonProperty("actor") String actor,
                             @JsonProperty("reason") String reason) {
    }

    /** Who acts when no person does: start-up, the train command, the scheduled lifecycle. */
    public static final String SYSTEM = "system";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    public ModelRegistry(JdbcClient jdbc, TransactionTemplate tx) {
        this(jdbc, tx, Clock.systemUTC());
    }

    public ModelRegistry(JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    public String nextVersion() {
        int n = jdbc.sql("SELECT count(*) FROM model_registry").query(Integer.class).single();
        return "v" + (n + 1);
    }

    public void register(String version, int trainingSamples, Double accuracy, Double criticalAccuracy, String artifactPath) {
        jdbc.sql("""
                INSERT INTO model_registry (model_id, version, trained_at, status, training_samples, overall_accuracy,
                    critical_accuracy, artifact_path) VALUES (?, ?, ?, 'shadow', ?, ?, ?, ?)""")
                .params("model_" + version, version, Timestamp.from(clock.instant()), trainingSamples,
                        finite(accuracy), finite(criticalAccuracy), artifactPath)
                .update();
        history(version, "registered", "status shadow", SYSTEM);
    }

    public void promote(String version, String reason) {
        promote(version, "production", reason, SYSTEM);
    }

    /**
     * Makes {@code version} production and retires the one serving, in one transaction, recording
     * {@code event} (production, rollback) with who and why.
     */
    public void promote(String version, String event, String reason, String actor) {
        tx.executeWithoutResult(status -> {
            Timestamp now = Timestamp.from(clock.instant());
            for (String old : jdbc.sql("SELECT version FROM model_registry WHERE status = 'production'").query(String.class).list()) {
                jdbc.sql("UPDATE model_registry SET status = 'retired', retired_at = ? WHERE version = ?").params(now, old).update();
                history(old, "retired", "replaced by " + version, actor);
            }
            jdbc.sql("UPDATE model_registry SET status = 'production', deployed_at = ?, retired_at = NULL WHERE version = ?")
                    .params(now, version).update();
            history(version, event, reason, actor);
        });
    }

    /** A candidate that will never serve (failed its gates or its shadow): status discarded, with the reasons. */
    public void discard(String version, String reasons, String actor) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("UPDATE model_registry SET status = 'discarded', retired_at = ? WHERE version = ?")
                    .params(Timestamp.from(clock.instant()), version).update();
            history(version, "discarded", reasons, actor);
        });
    }

    /**
     * The rollback candidate: the most recently retired version that once served, if it was retired
     * within {@code window} of now (seed §6: the previous model stays the rollback candidate for 30 days).
     */
    public Optional<Entry> rollbackCandidate(Duration window) {
        Timestamp since = Timestamp.from(clock.instant().minus(window));
        return jdbc.sql("""
                        SELECT * FROM model_registry WHERE status = 'retired' AND deployed_at IS NOT NULL
                            AND retired_at >= ? ORDER BY retired_at DESC LIMIT 1""")
                .param(since).query(this::row).optional();
    }

    /** The deployment history, oldest first (insertion order among equal times). */
    public List<Deployment> deployments() {
        return jdbc.sql("SELECT version, event, occurred_at, actor, reason FROM model_deployments ORDER BY occurred_at, rowid")
                .query((rs, i) -> new Deployment(rs.getString("version"), rs.getString("event"), instant(rs, "occurred_at"),
                        rs.getString("actor"), rs.getString("reason"))).list();
    }

    public Optional<Entry> production() {
        return jdbc.sql("SELECT * FROM model_registry WHERE status = 'production' ORDER BY deployed_at DESC LIMIT 1")
                .query(this::row).optional();
    }

    public Optional<Entry> find(String version) {
        return jdbc.sql("SELECT * FROM model_registry WHERE version = ?").param(version).query(this::row).optional();
    }

    public List<Entry> all() {
        return jdbc.sql("SELECT * FROM model_registry ORDER BY trained_at, version").query(this::row).list();
    }

    private void history(String version, String event, String reason, String actor) {
        jdbc.sql("INSERT INTO model_deployments (version, event, occurred_at, reason, actor) VALUES (?, ?, ?, ?, ?)")
                .params(version, event, Timestamp.from(clock.instant()), reason, actor).update();
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
