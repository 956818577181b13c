package dev.lto.intelligence.performance;

import static dev.lto.intelligence.storage.StoredTime.utc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.engine.evaluation.LivePerformance;
import dev.lto.engine.evaluation.LivePerformance.Observation;
import dev.lto.engine.evaluation.LivePerformance.SignalPerformance;
import dev.lto.engine.evaluation.LivePerformance.Window;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Live model performance kept in DuckDB ({@code model_live_performance_daily}): per UTC day, model
 * version and signal, the {@link LivePerformance} numbers of the jobs evaluated that day. Each
 * {@link #refresh()} (the orchestrator's monitoring round; a read never writes) recomputes the days from the last refreshed one up to today (by the clock) from
 * {@code job_evaluations} and replaces their rows, so it is idempotent and survives a restart; the
 * first refresh after a start recomputes the newest stored day (it may have been partial) onwards, or
 * every day when the table is empty. The rolling window needs no table: it is read from the stored
 * evaluations whenever asked ({@link #window}).
 */
public class LivePerformanceStore {

    /** The row that holds the six signals' pairs together. */
    public static final String ALL = "all";
    private static final Logger log = LoggerFactory.getLogger(LivePerformanceStore.class);

    /**
     * One stored row. Rates are null where undefined (no critical job that day).
     *
     * @param mae mean |actual − predicted| (signal units); for {@code all} the mean over the six signals
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DailyRow(@JsonProperty("day") LocalDate day,
                           @JsonProperty("model_version") String modelVersion,
                           @JsonProperty("signal") String signal,
                           @JsonProperty("jobs") int jobs,
                           @JsonProperty("critical_jobs") int criticalJobs,
                           @JsonProperty("accuracy") double accuracy,
                           @JsonProperty("critical_accuracy") Double criticalAccuracy,
                           @JsonProperty("coverage") double coverage,
                           @JsonProperty("mean_interval_width") double meanIntervalWidth,
                           @JsonProperty("mae") double mae) {
    }

    private final JdbcClient jdbc;
    private final LiveObservations observations;
    private final Clock clock;
    /** The day the last refresh reached (today then); null before the first refresh of this process. */
    private LocalDate refreshedTo;

    public LivePerformanceStore(JdbcClient jdbc, LiveObservations observations, Clock clock) {
        this.jdbc = jdbc;
        this.observations = observations;
        this.clock = clock;
    }

    /**
     * Recomputes and replaces the rows of every day since the last refresh; returns how many rows were
     * written. Called where jobs are evaluated (the orchestrator's monitoring round), never by a read.
     */
    public synchronized int refresh() {
        LocalDate today = today();
        LocalDate from = pendingFrom(today);
        List<DailyRow> rows = computed(from, null);
        Instant now = clock.instant();
        for (DailyRow r : rows) {
            upsert(r, now);
        }
        if (refreshedTo == null) {
            log.info("Live performance: rebuilt the daily rows from {} ({} rows)", from, rows.size());
        }
        refreshedTo = from.isAfter(today) ? from : today;
        return rows.size();
    }

    /**
     * The first day whose stored rows may be behind the evaluations: the day the last refresh reached,
     * or after a start the newest stored day (it may have been partial), or the first evaluation's day
     * when nothing is stored yet.
     */
    private LocalDate pendingFrom(LocalDate today) {
        LocalDate from = refreshedTo;
        if (from == null) {
            from = jdbc.sql("SELECT max(day) AS d FROM model_live_performance_daily")
                    .query((rs, i) -> Optional.ofNullable(rs.getObject("d", LocalDate.class))).single()
                    .or(() -> observations.first().map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC)))
                    .orElse(today);
        }
        return from;
    }

    /** The rows of the jobs evaluated from day {@code from} on, of model {@code version} (null: every version), read only. */
    private List<DailyRow> computed(LocalDate from, String version) {
        List<Observation> jobs = observations.since(from.atStartOfDay(ZoneOffset.UTC).toInstant());
        // Day → model version → jobs: one set of rows per (day, version).
        Map<LocalDate, Map<String, List<Observation>>> groups = new TreeMap<>();
        for (Observation o : jobs) {
            if (version == null || version.equals(o.modelVersion())) {
                groups.computeIfAbsent(LocalDate.ofInstant(o.evaluatedAt(), ZoneOffset.UTC), d -> new TreeMap<>())
                        .computeIfAbsent(o.modelVersion(), v -> new ArrayList<>()).add(o);
            }
        }
        List<DailyRow> out = new ArrayList<>();
        for (var day : groups.entrySet()) {
            for (var v : day.getValue().entrySet()) {
                out.addAll(rows(day.getKey(), v.getKey(), LivePerformance.of(day.getKey().toString(), v.getValue())));
            }
        }
        return out;
    }

    /** The {@code all} row and one per signal of one day's window. */
    static List<DailyRow> rows(LocalDate day, String version, Window w) {
        List<DailyRow> out = new ArrayList<>();
        double mae = w.signals().stream().mapToDouble(SignalPerformance::mae).average().orElse(Double.NaN);
        out.add(new DailyRow(day, version, ALL, w.jobs(), w.criticalJobs(), w.accuracy(), w.criticalAccuracy(), w.coverage(),
                w.meanWidth(), mae));
        for (SignalPerformance s : w.signals()) {
            out.add(new DailyRow(day, version, s.signal(), w.jobs(), w.criticalJobs(), s.accuracy(), s.criticalAccuracy(),
                    s.coverage(), s.meanWidth(), s.mae()));
        }
        return out;
    }

    private void upsert(DailyRow r, Instant now) {
        jdbc.sql("""
                        INSERT OR REPLACE INTO model_live_performance_daily (day, model_version, signal, jobs, critical_jobs, accuracy,
                          critical_accuracy, coverage, mean_interval_width, mae, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(r.day(), r.modelVersion(), r.signal(), r.jobs(), r.criticalJobs(), r.accuracy(), r.criticalAccuracy(),
                        r.coverage(), r.meanIntervalWidth(), r.mae(), utc(now))
                .update();
    }

    /**
     * The rows of one model version from {@code since} on, oldest day first, {@code all} before the
     * signals of a day (by name): the stored rows of the days the last refresh completed, and the days
     * since computed from the evaluations as {@link #refresh()} will store them. Writes nothing, so a
     * GET can ask as often as it likes.
     */
    public List<DailyRow> daily(String version, LocalDate since) {
        LocalDate from;
        synchronized (this) {
            from = pendingFrom(today());
        }
        List<DailyRow> out = new ArrayList<>(jdbc.sql("""
                        SELECT * FROM model_live_performance_daily WHERE model_version = ? AND day >= ? AND day < ?
                        ORDER BY day, signal <> 'all', signal""")
                .params(version, since, from)
                .query((rs, i) -> {
                    double crit = rs.getDouble("critical_accuracy");
                    Double critical = rs.wasNull() ? null : crit;
                    return new DailyRow(rs.getObject("day", LocalDate.class), rs.getString("model_version"), rs.getString("signal"),
                            rs.getInt("jobs"), rs.getInt("critical_jobs"), rs.getDouble("accuracy"), critical, rs.getDouble("coverage"),
                            rs.getDouble("mean_interval_width"), rs.getDouble("mae"));
                }).list());
        computed(from.isBefore(since) ? since : from, version).stream()
                .sorted(Comparator.comparing(DailyRow::day).thenComparing(r -> !ALL.equals(r.signal())).thenComparing(DailyRow::signal))
                .forEach(out::add);
        return out;
    }

    /** The last {@code n} evaluated jobs of model {@code version}, as window {@code last_<n>}. */
    public Window window(String version, int n) {
        return LivePerformance.lastN(observations.recent(n, version), n);
    }

    /** Today by this store's clock (UTC). */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
