package dev.lto.intelligence.history;

import dev.lto.intelligence.storage.StoredTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** History and trend queries on rows written straight into DuckDB. */
class HistoryQueriesTest {

    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path dir;

    SingleConnectionDataSource ds;
    JdbcClient jdbc;
    HistoryRepository history;
    Trends trends;

    @BeforeEach
    void open() {
        ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-ingest.sql")).execute(ds);
        jdbc = JdbcClient.create(ds);
        history = new HistoryRepository(jdbc);
        trends = new Trends(history, 0.05, 0.02, 5);
    }

    @AfterEach
    void close() {
        ds.destroy();
    }

    void job(String id, Instant submittedAt, JobState state, int jobClass, String adapter, Double... signals) {
        Double[] s = signals.length == 0 ? new Double[6] : signals;
        jdbc.sql("""
                        INSERT INTO simulation_jobs (job_id, submitted_at, completed_at, status, job_class, adapter_type, na, dose_mj_cm2,
                            speed_vs_accuracy, resolution_vs_dof, cost_vs_fidelity, surrogate_reliability, yield_risk, overall_health)
                        VALUES (?, ?, ?, ?, ?, ?, 0.33, 30, ?, ?, ?, ?, ?, ?)""")
                .params(id, StoredTime.utc(submittedAt), state.isTerminal() ? StoredTime.utc(submittedAt.plusSeconds(60)) : null, state.name(),
                        jobClass, adapter, s[0], s[1], s[2], s[3], s[4], s[5])
                .update();
    }

    private List<String> ids(JobFilter filter) {
        List<String> all = new ArrayList<>();
        Cursor after = null;
        while (true) {
            var page = history.page(filter, after, 1000);
            page.forEach(r -> all.add(r.jobId()));
            if (page.size() < 1000) {
                return all;
            }
            after = new Cursor(page.getLast().submittedAt(), page.getLast().jobId());
        }
    }

    @Test
    void filtersSelectExactlyTheMatchingJobs() {
        job("a", T0, JobState.COMPLETED, 1, "synthetic");
        job("b", T0.plusSeconds(3600), JobState.PREFLIGHT, 2, "synthetic");
        job("c", T0.plusSeconds(7200), JobState.COMPLETED, 2, "prolith");
        job("d", T0.plusSeconds(7200).plusNanos(1000), JobState.REJECTED, 2, "prolith");
        job("e", T0.plusSeconds(10800), JobState.ANOMALY_FLAGGED, 1, "prolith");

        assertThat(ids(new JobFilter(null, null, null, null, null))).containsExactly("e", "d", "c", "b", "a");
        // from inclusive, to exclusive, to the microsecond
        assertThat(ids(new JobFilter(T0.plusSeconds(3600), T0.plusSeconds(7200).plusNanos(1000), null, null, null)))
                .containsExactly("c", "b");
        assertThat(ids(new JobFilter(null, null, 2, null, null))).containsExactly("d", "c", "b");
        assertThat(ids(new JobFilter(null, null, null, "prolith", null))).containsExactly("e", "d", "c");
        assertThat(ids(new JobFilter(null, null, null, null, List.of(JobState.COMPLETED, JobState.ANOMALY_FLAGGED))))
                .containsExactly("e", "c", "a");
        JobFilter combined = new JobFilter(T0.plusSeconds(1), null, 2, "prolith", List.of(JobState.COMPLETED, JobState.REJECTED));
        assertThat(ids(combined)).containsExactly("d", "c");
        assertThat(history.count(combined)).isEqualTo(2);
        assertThat(history.count(new JobFilter(null, null, 7, null, null))).isZero();
    }

    @Test
    void cursorPagesVisitEveryJobOnceNewestFirstEvenWithTiesAndNewArrivals() {
        // 60 jobs, three per timestamp: the job id breaks the ties.
        for (int i = 0; i < 60; i++) {
            job("job_%03d".formatted(i), T0.plusSeconds(60L * (i / 3)), JobState.COMPLETED, 1 + i % 3, "synthetic");
        }
        JobFilter everything = new JobFilter(null, null, null, null, null);
        List<String> expected = IntStream.range(0, 60).mapToObj("job_%03d"::formatted)
                .sorted(Comparator.<String, Integer>comparing(id -> Integer.parseInt(id.substring(4)) / 3).thenComparing(id -> id).reversed())
                .toList();

        List<String> walked = new ArrayList<>();
        Cursor after = null;
        int pages = 0;
        while (true) {
            var page = history.page(everything, after, 7);
            page.forEach(r -> walked.add(r.jobId()));
            pages++;
            if (pages == 2) {
                // Submitted while the client pages: newer than everything, so it must not shift later pages.
                job("job_new", T0.plusSeconds(86400), JobState.COMPLETED, 1, "synthetic");
            }
            if (page.size() < 7) {
                break;
            }
            after = new Cursor(page.getLast().submittedAt(), page.getLast().jobId());
        }
        assertThat(walked).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(9);
        assertThat(Cursor.decode(new Cursor(T0.plusNanos(123_000), "job_001").encode()))
                .isEqualTo(new Cursor(T0.plusNanos(123_000), "job_001"));
    }

    @Test
    void trendsGiveBucketStatisticsAndDirectionsOfSyntheticSeries() {
        Random random = new Random(7);
        // 30 daily buckets, 8 finished jobs each: overall_health rises, yield_risk rises, cost_vs_fidelity falls,
        // speed_vs_accuracy is noise around a constant; surrogate_reliability only in the last 3 days.
        for (int day = 0; day < 30; day++) {
            for (int k = 0; k < 8; k++) {
                Instant at = T0.plus(Duration.ofDays(day)).plusSeconds(600L * k);
                double noise = 0.02 * random.nextGaussian();
                job("t_%02d_%d".formatted(day, k), at, k % 4 == 0 ? JobState.CLEARED : JobState.COMPLETED, 1, "synthetic",
                        0.6 + noise, 0.5, 0.8 - 0.006 * day + noise, day >= 27 ? 0.9 : null, 0.1 + 0.004 * day + noise,
                        0.5 + 0.005 * day + noise);
            }
        }
        // Not finished: signals present but the state does not count by default.
        job("preflight_outlier", T0.plusSeconds(60), JobState.PREFLIGHT, 1, "synthetic", 0.0, 0.0, 0.0, 0.0, 1.0, 0.0);

        JobFilter window = new JobFilter(T0, T0.plus(Duration.ofDays(30)), null, null, List.of());
        var report = trends.report(window, Duration.ofDays(1), "1d", dev.lto.contracts.TradeoffSignals.NAMES);

        assertThat(report.bucketCount()).isEqualTo(30);
        assertThat(report.signals().get("overall_health").direction()).isEqualTo("improving");
        assertThat(report.signals().get("yield_risk").direction()).isEqualTo("degrading");
        assertThat(report.signals().get("cost_vs_fidelity").direction()).isEqualTo("degrading");
        assertThat(report.signals().get("speed_vs_accuracy").direction()).isEqualTo("stable");
        assertThat(report.signals().get("resolution_vs_dof").direction()).isEqualTo("stable"); // constant: p = 1
        assertThat(report.signals().get("resolution_vs_dof").test().pValue()).isEqualTo(1.0);
        var sparse = report.signals().get("surrogate_reliability");
        assertThat(sparse.direction()).isEqualTo("stable");
        assertThat(sparse.reason()).contains("too few buckets");
        assertThat(sparse.buckets().get(0).count()).isZero();
        assertThat(sparse.buckets().get(0).mean()).isNull();
        assertThat(sparse.buckets().get(29).count()).isEqualTo(8);

        var firstDay = report.signals().get("speed_vs_accuracy").buckets().getFirst();
        assertThat(firstDay.start()).isEqualTo(T0);
        assertThat(firstDay.count()).isEqualTo(8); // the PREFLIGHT job is not counted
        assertThat(report.signals().get("yield_risk").buckets().getFirst().p90()).isLessThan(0.5);
    }

    @Test
    void bucketStatisticsAreExact() {
        double[] values = {0.5, 0.1, 0.4, 0.2, 0.3};
        for (int i = 0; i < values.length; i++) {
            job("q" + i, T0.plus(Duration.ofHours(1)).plusSeconds(i), JobState.COMPLETED, 1, "synthetic",
                    values[i], values[i], values[i], values[i], values[i], values[i]);
        }
        job("other_state", T0.plus(Duration.ofHours(1)), JobState.REJECTED, 1, "synthetic", 0.9, 0.9, 0.9, 0.9, 0.9, 0.9);
        JobFilter window = new JobFilter(T0, T0.plus(Duration.ofHours(3)), null, null, List.of());
        var buckets = trends.report(window, Duration.ofHours(1), "1h", List.of("yield_risk")).signals().get("yield_risk").buckets();
        assertThat(buckets).hasSize(3);
        assertThat(buckets.get(0).count()).isZero();
        var b = buckets.get(1);
        assertThat(b.start()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(b.count()).isEqualTo(5);
        assertThat(b.mean()).isCloseTo(0.3, within(1e-12));
        assertThat(b.p10()).isCloseTo(0.14, within(1e-12)); // linear interpolation at rank 0.4
        assertThat(b.p90()).isCloseTo(0.46, within(1e-12));

        // An explicit state filter replaces the default finished states.
        var rejected = trends.report(window.withStates(List.of(JobState.REJECTED)), Duration.ofHours(1), "1h", List.of("yield_risk"));
        assertThat(rejected.signals().get("yield_risk").buckets().get(1).count()).isEqualTo(1);
        assertThat(rejected.signals().get("yield_risk").buckets().get(1).mean()).isEqualTo(0.9);
    }
}
