package dev.lto.intelligence.history;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reading nullable columns of the job tables. */
final class Sql {

    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private Sql() {
    }
}
