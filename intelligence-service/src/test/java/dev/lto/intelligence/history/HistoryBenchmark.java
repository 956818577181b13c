package dev.lto.intelligence.history;

import dev.lto.intelligence.storage.StoredTime;
import dev.lto.contracts.JobState;
import dev.lto.contracts.TradeoffSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Latency of the history and trend queries on a large {@code simulation_jobs} (not a unit test:
 * run it by hand, docs/benchmarks.md). Fills a DuckDB file with synthetic jobs through the
 * Appender, in submission order as the service writes them, unless the file already has them;
 * then times the queries the endpoints run, after warm-up.
 *
 * <p>Its name keeps it out of the default test run (surefire picks {@code *Test} classes); naming it
 * runs it through the JUnit entry point {@link #run()}, which asserts nothing about time:
 * <pre>./mvnw -o -q -pl intelligence-service test -Dtest=HistoryBenchmark [-Dbench.rows=1000000 -Dbench.db=...]</pre>
 * The numbers go to standard output and {@code target/surefire-reports/...HistoryBenchmark-output.txt}.
 */
public final class HistoryBenchmark {

    @Test
    void run() throws Exception {
        main(new String[0]);
    }

    static final Instant END = Instant.parse("2026-11-26T00:00:00Z");
    static final Duration SPAN = Duration.ofDays(90);
    static final int RUNS = 15;

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(System.getProperty("bench.rows", "1000000"));
        Path db = Path.of(System.getProperty("bench.db", "target/history-bench/lto.duckdb"));
        Files.createDirectories(db.getParent());
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + db.toAbsolutePath(), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-ingest.sql")).execute(ds);
        JdbcClient jdbc = JdbcClient.create(ds);

        System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
        long existing = jdbc.sql("SELECT count(*) FROM simulation_jobs").query(Long.class).single();
        if (existing != rows) {
            jdbc.sql("DELETE FROM simulation_jobs").update();
            long t0 = System.nanoTime();
            fill(ds.getConnection().unwrap(DuckDBConnection.class), rows);
            new org.springframework.jdbc.core.JdbcTemplate(ds).execute("CHECKPOINT");
            System.out.printf(Locale.ROOT, "filled %,d rows with the Appender in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.printf(Locale.ROOT, "reusing %,d rows in %s%n", rows, db);
        }

        HistoryRepository history = new HistoryRepository(jdbc);
        Trends trends = new Trends(history, 0.05, 0.02, 5);
        JobFilter all = new JobFilter(null, null, null, null, null);
        Instant windowFrom = END.minus(Duration.ofDays(30));
        JobFilter filtered = new JobFilter(windowFrom, END, 7, "prolith", List.of(JobState.COMPLETED, JobState.ANOMALY_FLAGGED));
        // A cursor 90% of the way down the unfiltered order, and one at the oldest filtered page.
        Cursor deep = jdbc.sql("SELECT submitted_at, job_id FROM simulation_jobs ORDER BY submitted_at DESC, job_id DESC LIMIT 1 OFFSET ?")
                .param(rows * 9 / 10)
                .query((rs, i) -> new Cursor(StoredTime.instant(rs, "submitted_at"), rs.getString("job_id"))).single();
        long filteredTotal = history.count(filtered);
        Cursor deepFiltered = jdbc.sql("""
                        SELECT submitted_at, job_id FROM simulation_jobs WHERE submitted_at >= ? AND submitted_at < ? AND job_class = 7
                          AND adapter_type = 'prolith' AND status IN ('COMPLETED', 'ANOMALY_FLAGGED')
                        ORDER BY submitted_at DESC, job_id DESC LIMIT 1 OFFSET ?""")
                .params(StoredTime.utc(windowFrom), StoredTime.utc(END), Math.max(0, filteredTotal - 60))
                .query((rs, i) -> new Cursor(StoredTime.instant(rs, "submitted_at"), rs.getString("job_id"))).single();

        System.out.printf(Locale.ROOT, "%-58s %9s %9s %9s  %s%n", "query (what one request runs)", "median ms", "p90 ms", "max ms", "result");
        time("history, first page of 50 + total, unfiltered", () -> history.page(all, null, 51).size() + " rows, total " + history.count(all));
        time("history, page at 90% depth (cursor) + total, unfiltered", () -> history.page(all, deep, 51).size() + " rows, total " + history.count(all));
        time("history, first page + total, filtered (30 d, class, adapter, 2 states)",
                () -> history.page(filtered, null, 51).size() + " rows, total " + history.count(filtered));
        time("history, last page (cursor) + total, filtered",
                () -> history.page(filtered, deepFiltered, 51).size() + " rows, total " + history.count(filtered));
        JobFilter trendWindow = new JobFilter(windowFrom, END, null, null, List.of());
        time("trends, 30 daily buckets, 6 signals, finished states", () -> summary(trends.report(trendWindow, Duration.ofDays(1), "1d",
                TradeoffSignals.NAMES)));
        time("trends, 30 daily buckets, 6 signals, class 7 + prolith", () -> summary(trends.report(
                new JobFilter(windowFrom, END, 7, "prolith", List.of()), Duration.ofDays(1), "1d", TradeoffSignals.NAMES)));
        time("trends, 90 daily buckets (whole table), 6 signals", () -> summary(trends.report(
                new JobFilter(END.minus(SPAN), END, null, null, List.of()), Duration.ofDays(1), "1d", TradeoffSignals.NAMES)));
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
        ds.destroy();
    }

    private static String summary(HistoryViews.TrendReport r) {
        StringBuilder b = new StringBuilder();
        r.signals().forEach((name, t) -> b.append(name, 0, 3).append('=').append(t.direction(), 0, 3).append(' '));
        return b + "(" + r.signals().get("overall_health").buckets().stream().mapToLong(HistoryViews.Bucket::count).sum() + " jobs)";
    }

    private static void time(String what, Supplier<String> query) {
        String result = "";
        for (int i = 0; i < 3; i++) {
            result = query.get();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            query.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-58s %9.1f %9.1f %9.1f  %s%n", what, ms[RUNS / 2], ms[(int) Math.ceil(RUNS * 0.9) - 1],
                ms[RUNS - 1], result);
    }

    /**
     * Synthetic jobs evenly over the 90 days before {@link #END}, in time order. 85% finished (with
     * signals; overall_health drifts up, yield_risk down), the rest rejected, blocked, failed or waiting.
     */
    static void fill(DuckDBConnection connection, int rows) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        String[] adapters = {"synthetic", "synthetic", "synthetic", "synthetic", "synthetic", "synthetic", "synthetic", "prolith", "prolith", "culitho"};
        String[] patterns = {"SIMPLE", "MODERATE", "COMPLEX", "EXTREME"};
        long spanMicros = SPAN.toNanos() / 1000;
        LocalDateTime start = LocalDateTime.ofInstant(END.minus(SPAN), ZoneOffset.UTC);
        try (DuckDBAppender a = connection.createAppender("main", "simulation_jobs")) {
            for (int i = 0; i < rows; i++) {
                LocalDateTime submitted = start.plus(spanMicros * i / rows, ChronoUnit.MICROS);
                double progress = (double) i / rows;
                int roll = random.nextInt(100);
                JobState state = roll < 78 ? JobState.COMPLETED : roll < 82 ? JobState.ANOMALY_FLAGGED : roll < 85 ? JobState.CLEARED
                        : roll < 90 ? JobState.REJECTED : roll < 94 ? JobState.BLOCKED : roll < 97 ? JobState.FAILED : JobState.PREFLIGHT;
                boolean finished = roll < 85;
                double na = 0.1 + 0.45 * random.nextDouble();
                a.beginRow()
                        .append("job_%08x_%07d".formatted(random.nextInt(), i))
                        .append(submitted);
                if (state.isTerminal()) {
                    a.append(submitted.plusSeconds(30 + random.nextInt(600)));
                } else {
                    a.appendNull();
                }
                a.append(state.name())
                        .append("bench")
                        .append(1 + random.nextInt(20))
                        .append(adapters[random.nextInt(adapters.length)])
                        .append("bench-1")
                        .append(na)
                        .append(13.5)
                        .append(1 + 99 * random.nextDouble())
                        .append(0.1 + 0.9 * random.nextDouble())
                        .append(30.0)
                        .append(1.0)
                        .append(random.nextBoolean())
                        .append(patterns[random.nextInt(patterns.length)]);
                if (finished) {
                    a.append(0.25 * 13.5 / na).append(0.5 * 13.5 / (na * na)).append(random.nextDouble()).append(1 + 30 * random.nextDouble())
                            .append(clamp(0.6 + 0.1 * random.nextGaussian()))
                            .append(clamp(0.5 + 0.1 * random.nextGaussian()))
                            .append(clamp(0.7 + 0.1 * random.nextGaussian()))
                            .append(clamp(0.9 + 0.05 * random.nextGaussian()))
                            .append(clamp(0.2 - 0.05 * progress + 0.05 * random.nextGaussian()))
                            .append(clamp(0.5 + 0.1 * progress + 0.1 * random.nextGaussian()));
                } else {
                    for (int k = 0; k < 10; k++) {
                        a.appendNull();
                    }
                }
                a.endRow();
            }
        }
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "n/a";
        }
    }

}
