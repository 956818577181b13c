package dev.lto.intelligence.history;

import dev.lto.contracts.JobState;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.storage.StoredTime;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Read-only queries over {@code simulation_jobs} (seed §5 columns) for history pages and trend
 * buckets. Signal names are interpolated into SQL only from {@link TradeoffSignals#NAMES}.
 */
@Repository
class HistoryRepository {

    private static final String COLUMNS = """
            job_id, status, submitted_at, completed_at, job_class, adapter_type, submitted_by, na, wavelength_nm,
            dose_mj_cm2, sigma, resist_thickness_nm, grid_size_nm, pattern_complexity, use_ai_surrogate, """
            + String.join(", ", TradeoffSignals.NAMES);

    private final JdbcClient jdbc;

    HistoryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored job as a history row; signals and parameters may be null (not simulated yet, or not known). */
    record JobRow(String jobId, JobState state, Instant submittedAt, Instant completedAt, Integer jobClass,
                  String adapterType, String submittedBy, Map<String, Object> parameters, Map<String, Double> signals) {
    }

    /** Up to {@code limit} jobs after {@code after} (null: from the newest), newest first. */
    List<JobRow> page(JobFilter filter, Cursor after, int limit) {
        List<Object> args = new ArrayList<>();
        String where = filter.where(args);
        String keyset = "";
        if (after != null) {
            // The redundant "submitted_at <= ?" lets DuckDB skip whole row groups by their min/max (zonemaps);
            // the OR alone would not.
            keyset = " AND submitted_at <= ? AND (submitted_at < ? OR job_id < ?)";
            args.add(StoredTime.utc(after.submittedAt()));
            args.add(StoredTime.utc(after.submittedAt()));
            args.add(after.jobId());
        }
        args.add(limit);
        return jdbc.sql("SELECT " + COLUMNS + " FROM simulation_jobs WHERE " + where + keyset
                        + " ORDER BY submitted_at DESC, job_id DESC LIMIT ?")
                .params(args)
                .query((rs, i) -> row(rs))
                .list();
    }

    long count(JobFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = filter.where(args);
        return jdbc.sql("SELECT count(*) FROM simulation_jobs WHERE " + where).params(args).query(Long.class).single();
    }

    /** Aggregates of one signal in one bucket; mean and percentiles are null when {@code count} is 0. */
    record SignalStats(long count, Double mean, Double p10, Double p90) {
        static final SignalStats EMPTY = new SignalStats(0, null, null, null);
    }

    /**
     * Per bucket index ({@code (submitted_at - from) / bucket}) and signal: count of jobs with the
     * signal, mean, and the 10th/90th percentiles (linear interpolation, DuckDB {@code quantile_cont}).
     * Only non-empty buckets are returned; {@code filter.from()} must be set.
     */
    Map<Long, Map<String, SignalStats>> buckets(JobFilter filter, Duration bucket, List<String> signals) {
        for (String s : signals) {
            if (!TradeoffSignals.NAMES.contains(s)) {
                throw new IllegalArgumentException("not a signal: " + s);
            }
        }
        List<Object> args = new ArrayList<>();
        args.add(ChronoUnit.MICROS.between(Instant.EPOCH, filter.from()));
        args.add(bucket.toNanos() / 1000);
        StringBuilder select = new StringBuilder("SELECT (epoch_us(submitted_at) - ?) // ? AS bucket");
        for (String s : signals) {
            select.append(", count(").append(s).append(") AS n_").append(s)
                    .append(", avg(").append(s).append(") AS mean_").append(s)
                    .append(", quantile_cont(").append(s).append(", [0.1, 0.9]) AS q_").append(s);
        }
        String where = filter.where(args);
        Map<Long, Map<String, SignalStats>> out = new LinkedHashMap<>();
        jdbc.sql(select + " FROM simulation_jobs WHERE " + where + " GROUP BY bucket ORDER BY bucket")
                .params(args)
                .query(rs -> {
                    Map<String, SignalStats> perSignal = new LinkedHashMap<>();
                    for (String s : signals) {
                        long n = rs.getLong("n_" + s);
                        perSignal.put(s, n == 0 ? SignalStats.EMPTY
                                : new SignalStats(n, rs.getDouble("mean_" + s), quantile(rs, "q_" + s, 0), quantile(rs, "q_" + s, 1)));
                    }
                    out.put(rs.getLong("bucket"), perSignal);
                });
        return out;
    }

    private static Double quantile(ResultSet rs, String column, int index) throws SQLException {
        Array array = rs.getArray(column);
        if (array == null) {
            return null;
        }
        Object[] values = (Object[]) array.getArray();
        return values[index] == null ? null : ((Number) values[index]).doubleValue();
    }

    private static JobRow row(ResultSet rs) throws SQLException {
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (String p : List.of("na", "wavelength_nm", "dose_mj_cm2", "sigma", "resist_thickness_nm", "grid_size_nm")) {
            Double v = Sql.nullableDouble(rs, p);
            if (v != null) {
                parameters.put(p, v);
            }
        }
        if (rs.getString("pattern_complexity") != null) {
            parameters.put("pattern_complexity", rs.getString("pattern_complexity"));
        }
        boolean surrogate = rs.getBoolean("use_ai_surrogate");
        if (!rs.wasNull()) {
            parameters.put("use_ai_surrogate", surrogate);
        }
        Map<String, Double> signals = new LinkedHashMap<>();
        for (String s : TradeoffSignals.NAMES) {
            Double v = Sql.nullableDouble(rs, s);
            if (v != null) {
                signals.put(s, v);
            }
        }
        int jobClassValue = rs.getInt("job_class");
        Integer jobClass = rs.wasNull() ? null : jobClassValue;
        return new JobRow(rs.getString("job_id"), JobState.valueOf(rs.getString("status")), StoredTime.instant(rs, "submitted_at"),
                StoredTime.instant(rs, "completed_at"), jobClass, rs.getString("adapter_type"),
                rs.getString("submitted_by"), parameters, signals);
    }
}
