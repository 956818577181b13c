package dev.lto.intelligence.audit;

import dev.lto.contracts.JobParameters;
import dev.lto.intelligence.storage.StoredTime;
import dev.lto.simulator.spi.SurrogateAudit;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The audit queue, the audits and the forced-physics rules in DuckDB (schema-models.sql). */
class SurrogateAuditStore {

    record Queued(String jobId, String auditClass, String adapterType, JobParameters parameters, String reason, int attempts) {
    }

    record Stored(String jobId, String auditClass, Instant auditedAt, double rmse, Double nominalRmse, double abbeSeconds,
                  double auditSeconds, String reason) {
    }

    record Rule(String ruleId, String auditClass, Instant raisedAt, double trendRmse, double threshold, int audits, String jobId,
                boolean alertPublished, Instant clearedAt, String clearedBy, String clearReason) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SurrogateAuditStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** False when the job was queued (or audited) already: a re-delivered completion adds nothing. */
    boolean enqueue(String jobId, String auditClass, String adapterType, JobParameters p, String reason, Instant now) {
        if (audited(jobId)) {
            return false;
        }
        return jdbc.sql("""
                        INSERT INTO surrogate_audit_queue (job_id, audit_class, adapter_type, parameters, reason, queued_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(jobId, auditClass, adapterType, json.writeValueAsString(p), reason, StoredTime.utc(now)).update() == 1;
    }

    boolean audited(String jobId) {
        return jdbc.sql("SELECT count(*) FROM surrogate_audits WHERE job_id = ?").param(jobId).query(Long.class).single() > 0;
    }

    /** Oldest first; rows that failed go behind the others (attempts). */
    List<Queued> queued(int limit) {
        return jdbc.sql("SELECT * FROM surrogate_audit_queue ORDER BY attempts, queued_at, job_id LIMIT ?").param(limit)
                .query((rs, i) -> new Queued(rs.getString("job_id"), rs.getString("audit_class"), rs.getString("adapter_type"),
                        json.readValue(rs.getString("parameters"), JobParameters.class), rs.getString("reason"), rs.getInt("attempts")))
                .list();
    }

    long queueSize() {
        return jdbc.sql("SELECT count(*) FROM surrogate_audit_queue").query(Long.class).single();
    }

    /** Stores the audit and takes the job off the queue (call in one transaction). */
    void store(Queued q, SurrogateAudit a, Instant now) {
        jdbc.sql("""
                        INSERT INTO surrogate_audits (job_id, audit_class, audited_at, rmse, nominal_rmse, abbe_seconds, audit_seconds,
                            image_px, simulator_version, reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(q.jobId(), q.auditClass(), StoredTime.utc(now), a.rmse(), a.nominalRmse(), a.abbeSeconds(), a.seconds(),
                        a.imagePx(), a.simulatorVersion(), q.reason())
                .update();
        dequeue(q.jobId());
    }

    void dequeue(String jobId) {
        jdbc.sql("DELETE FROM surrogate_audit_queue WHERE job_id = ?").param(jobId).update();
    }

    void failed(String jobId, String error) {
        jdbc.sql("UPDATE surrogate_audit_queue SET attempts = attempts + 1, last_error = ? WHERE job_id = ?")
                .params(error.length() > 500 ? error.substring(0, 500) : error, jobId).update();
    }

    /** The class's audits of the current episode (after its last cleared rule), newest first, at most n. */
    List<Stored> recent(String auditClass, int n) {
        return jdbc.sql("""
                        SELECT * FROM surrogate_audits
                        WHERE audit_class = ? AND audited_at > coalesce(
                            (SELECT max(cleared_at) FROM forced_physics_rules WHERE audit_class = ?), TIMESTAMP '1970-01-01')
                        ORDER BY audited_at DESC, job_id DESC LIMIT ?""")
                .params(auditClass, auditClass, n)
                .query((rs, i) -> new Stored(rs.getString("job_id"), rs.getString("audit_class"), StoredTime.instant(rs, "audited_at"),
                        rs.getDouble("rmse"), (Double) rs.getObject("nominal_rmse"), rs.getDouble("abbe_seconds"),
                        rs.getDouble("audit_seconds"), rs.getString("reason")))
                .list();
    }

    List<String> classes() {
        return jdbc.sql("SELECT DISTINCT audit_class FROM surrogate_audits ORDER BY audit_class").query(String.class).list();
    }

    long audits() {
        return jdbc.sql("SELECT count(*) FROM surrogate_audits").query(Long.class).single();
    }

    void raise(Rule r) {
        jdbc.sql("""
                        INSERT INTO forced_physics_rules (rule_id, audit_class, raised_at, trend_rmse, threshold, audits, job_id,
                            alert_published)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.ruleId(), r.auditClass(), StoredTime.utc(r.raisedAt()), r.trendRmse(), r.threshold(), r.audits(), r.jobId(),
                        r.alertPublished())
                .update();
    }

    void alertPublished(String ruleId) {
        jdbc.sql("UPDATE forced_physics_rules SET alert_published = true WHERE rule_id = ?").param(ruleId).update();
    }

    /** Clears the class's active rule; empty when it has none. */
    Optional<Rule> clear(String auditClass, String by, String reason, Instant now) {
        Optional<Rule> active = active(auditClass);
        active.ifPresent(r -> jdbc.sql("""
                        UPDATE forced_physics_rules SET cleared_at = ?, cleared_by = ?, clear_reason = ?
                        WHERE rule_id = ? AND cleared_at IS NULL""")
                .params(StoredTime.utc(now), by, reason, r.ruleId()).update());
        return active.map(r -> new Rule(r.ruleId(), r.auditClass(), r.raisedAt(), r.trendRmse(), r.threshold(), r.audits(), r.jobId(),
                r.alertPublished(), now, by, reason));
    }

    Optional<Rule> active(String auditClass) {
        return rules("WHERE cleared_at IS NULL AND audit_class = ?", auditClass).stream().findFirst();
    }

    List<Rule> activeRules() {
        return rules("WHERE cleared_at IS NULL");
    }

    /** Every rule, newest first (the history of episodes). */
    List<Rule> history(int limit) {
        return rules("ORDER BY raised_at DESC LIMIT " + Math.max(1, limit));
    }

    private List<Rule> rules(String where, Object... params) {
        return jdbc.sql("SELECT * FROM forced_physics_rules " + where).params(List.of(params))
                .query((rs, i) -> new Rule(rs.getString("rule_id"), rs.getString("audit_class"), StoredTime.instant(rs, "raised_at"),
                        rs.getDouble("trend_rmse"), rs.getDouble("threshold"), rs.getInt("audits"), rs.getString("job_id"),
                        rs.getBoolean("alert_published"), StoredTime.instant(rs, "cleared_at"), rs.getString("cleared_by"),
                        rs.getString("clear_reason")))
                .list();
    }
}
