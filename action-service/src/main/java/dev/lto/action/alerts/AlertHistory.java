package dev.lto.action.alerts;

import dev.lto.contracts.AlertSeverity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code GET /api/v1/alerts/history}'s query: every alert, newest fired first, filtered, paged by
 * a keyset cursor (an alert fired meanwhile neither shifts nor repeats later pages). A filtered,
 * dynamic read, so JdbcClient rather than the repository.
 */
@Repository
class AlertHistory {

    /** Filters; empty sets and nulls match everything. {@code from} inclusive, {@code to} exclusive, on {@code fired_at}. */
    record Filter(Set<AlertSeverity> severities, Set<String> types, String jobId, Instant from, Instant to) {
    }

    /** Position after the last item of a page: base64url of {@code <fired_at epoch µs>:<alert_id>}. */
    record Cursor(Instant firedAt, String alertId) {

        String encode() {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, firedAt);
            return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + alertId).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int colon = plain.indexOf(':');
                if (colon <= 0 || colon == plain.length() - 1) {
                    throw new IllegalArgumentException("not a cursor issued by this API");
                }
                return new Cursor(Instant.EPOCH.plus(Long.parseLong(plain.substring(0, colon)), ChronoUnit.MICROS), plain.substring(colon + 1));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IllegalArgumentException("not a cursor issued by this API");
            }
        }
    }

    private final JdbcClient jdbc;

    AlertHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Alert> page(Filter f, Cursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM alerts WHERE true");
        Map<String, Object> params = new LinkedHashMap<>();
        if (!f.severities().isEmpty()) {
            sql.append(" AND severity IN (:severities)");
            params.put("severities", f.severities().stream().map(Enum::name).toList());
        }
        if (!f.types().isEmpty()) {
            sql.append(" AND alert_type IN (:types)");
            params.put("types", new ArrayList<>(f.types()));
        }
        if (f.jobId() != null) {
            sql.append(" AND job_id = :job");
            params.put("job", f.jobId());
        }
        if (f.from() != null) {
            sql.append(" AND fired_at >= :from");
            params.put("from", AlertRows.utc(f.from()));
        }
        if (f.to() != null) {
            sql.append(" AND fired_at < :to");
            params.put("to", AlertRows.utc(f.to()));
        }
        if (after != null) {
            sql.append(" AND (fired_at < :cf OR (fired_at = :cf AND alert_id < :ca))");
            params.put("cf", AlertRows.utc(after.firedAt()));
            params.put("ca", after.alertId());
        }
        sql.append(" ORDER BY fired_at DESC, alert_id DESC LIMIT :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(AlertRows::alert).list();
    }
}
