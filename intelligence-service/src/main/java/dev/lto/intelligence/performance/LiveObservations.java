package dev.lto.intelligence.performance;

import static dev.lto.intelligence.storage.StoredTime.instant;
import static dev.lto.intelligence.storage.StoredTime.utc;

import dev.lto.engine.evaluation.LivePerformance;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evaluated jobs as the engine's live-performance observations, read from {@code job_evaluations}
 * (the pipeline's stored evaluation: per signal the preflight's score and 95% interval and the
 * simulated value, and the model version that predicted) with the pattern's k₁ from
 * {@code training_buffer} (NaN when the job is not there).
 */
public class LiveObservations {

    private static final String SELECT = """
            SELECT e.job_id, e.evaluated_at, e.evaluation, b.k1 FROM job_evaluations e LEFT JOIN training_buffer b USING (job_id)
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public LiveObservations(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The {@code n} most recently evaluated jobs, newest first. */
    public List<LivePerformance.Observation> recent(int n) {
        return jdbc.sql(SELECT + "ORDER BY e.evaluated_at DESC, e.job_id LIMIT ?").param(n).query((rs, i) -> observation(rs)).list();
    }

    /** The {@code n} most recently evaluated jobs whose preflight model {@code version} answered, newest first. */
    public List<LivePerformance.Observation> recent(int n, String version) {
        return jdbc.sql(SELECT + "WHERE json_extract_string(e.evaluation, '$.model_version') = ? ORDER BY e.evaluated_at DESC, e.job_id LIMIT ?")
                .params(version, n).query((rs, i) -> observation(rs)).list();
    }

    /** Every job evaluated at or after {@code from}, oldest first. */
    public List<LivePerformance.Observation> since(Instant from) {
        return jdbc.sql(SELECT + "WHERE e.evaluated_at >= ? ORDER BY e.evaluated_at, e.job_id").param(utc(from))
                .query((rs, i) -> observation(rs)).list();
    }

    /** The first evaluation's time; empty before any job has been evaluated. */
    public Optional<Instant> first() {
        return jdbc.sql("SELECT min(evaluated_at) AS first FROM job_evaluations")
                .query((rs, i) -> Optional.ofNullable(instant(rs, "first"))).single();
    }

    private LivePerformance.Observation observation(ResultSet rs) throws SQLException {
        JsonNode e = json.readTree(rs.getString("evaluation"));
        JsonNode signals = e.get("signals");
        int k = signals.size();
        double[] p = new double[k];
        double[] lo = new double[k];
        double[] hi = new double[k];
        double[] a = new double[k];
        for (int j = 0; j < k; j++) {
            JsonNode c = signals.get(j);
            p[j] = c.get("predicted").asDouble();
            lo[j] = c.get("ci_low").asDouble();
            hi[j] = c.get("ci_high").asDouble();
            a[j] = c.get("actual").asDouble();
        }
        double k1 = rs.getDouble("k1");
        if (rs.wasNull()) {
            k1 = Double.NaN;
        }
        return new LivePerformance.Observation(rs.getString("job_id"), e.path("model_version").asString(),
                instant(rs, "evaluated_at"), p, lo, hi, a, k1);
    }
}
