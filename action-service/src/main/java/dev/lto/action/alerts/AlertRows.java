package dev.lto.action.alerts;

import dev.lto.contracts.AlertSeverity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Reads an {@code alerts} row where a query goes through JdbcClient (outbox, history) rather than the repository. */
final class AlertRows {

    private AlertRows() {
    }

    static Alert alert(ResultSet rs, int row) throws SQLException {
        return new Alert(rs.getString("alert_id"), instant(rs, "fired_at"), instant(rs, "acknowledged_at"), instant(rs, "resolved_at"),
                AlertSeverity.valueOf(rs.getString("severity")), rs.getString("job_id"), rs.getString("alert_type"),
                rs.getString("message"), rs.getString("recommendation"), rs.getString("acknowledged_by"),
                rs.getObject("was_actionable") == null ? null : rs.getBoolean("was_actionable"), rs.getString("fingerprint"),
                rs.getInt("occurrences"), instant(rs, "last_seen_at"), rs.getString("source"), rs.getString("service"),
                rs.getString("ack_note"));
    }

    static LocalDateTime utc(Instant t) {
        return t == null ? null : LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
