package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.intelligence.performance.LiveObservations;
import dev.lto.intelligence.performance.LivePerformanceStore;
import dev.lto.intelligence.performance.LivePerformanceStore.DailyRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-day live-performance rows in a real DuckDB file, with a fake clock deciding "today": the
 * numbers against hand-computed ones on a five-job fixture, an idempotent refresh, a restart (a new
 * store on the same file) and a new day.
 */
class LivePerformanceStoreTest {

    private static final List<String> NAMES = dev.lto.contracts.TradeoffSignals.NAMES;
    private static final double[] SOUND = {0.5, 0.5, 0.5, 0.5, 0.1, 0.8};
    /** Critical by its actual yield_risk (≥ 0.5). */
    private static final double[] CRITICAL = {0.5, 0.5, 0.5, 0.5, 0.7, 0.3};
    private static final Instant DAY1 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-03T09:00:00Z");

    @TempDir
    Path dir;
    private SingleConnectionDataSource ds;
    private JdbcClient jdbc;
    private PipelineRepository repo;
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-03T12:00:00Z"));

    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        Instant now;

        FakeClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void open() {
        ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-pipeline.sql")).execute(ds);
        jdbc = JdbcClient.create(ds);
        repo = new PipelineRepository(jdbc, JsonMapper.builder().build());
    }

    @AfterEach
    void close() {
        ds.destroy();
    }

    /** Prediction = actual + off[j] per signal, 95% interval ± halfWidth around the prediction. */
    private void evaluated(String id, String version, Instant at, double[] actual, double[] off, double halfWidth) {
        List<Evaluation.SignalCheck> checks = new ArrayList<>();
        for (int j = 0; j < actual.length; j++) {
            double p = actual[j] + off[j];
            checks.add(new Evaluation.SignalCheck(NAMES.get(j), p, p - halfWidth, p + halfWidth, actual[j], -off[j],
                    Math.abs(off[j]) <= halfWidth));
        }
        repo.storeEvaluation(id, new Evaluation(at, version, false, false, false, 0, 1, 0, checks, List.of(), List.of()));
    }

    private static double[] all(double off) {
        return new double[] {off, off, off, off, off, off};
    }

    private Map<String, DailyRow> rows(LivePerformanceStore store, String version, LocalDate day) {
        return store.daily(version, day).stream().filter(r -> r.day().equals(day))
                .collect(Collectors.toMap(DailyRow::signal, Function.identity()));
    }

    private long stored() {
        return jdbc.sql("SELECT count(*) FROM model_live_performance_daily").query(Long.class).single();
    }

    private void fixture() {
        evaluated("a", "v1", DAY1, SOUND, all(0.01), 0.02);                        // accurate, inside, width 0.04
        evaluated("b", "v1", DAY1.plusSeconds(60), SOUND, all(0.10), 0.05);         // wrong, outside, width 0.10
        evaluated("c", "v1", DAY1.plusSeconds(120), CRITICAL, new double[] {0.08, 0, 0, 0, 0, 0}, 0.05); // critical; speed off
        evaluated("d", "v2", DAY1.plusSeconds(180), SOUND, all(0.0), 0.01);         // another version, same day
        evaluated("e", "v1", DAY2, SOUND, all(0.2), 0.01);                          // day 2: wrong
    }

    @Test
    void dailyRowsMatchHandComputedNumbers() {
        fixture();
        LivePerformanceStore store = new LivePerformanceStore(jdbc, new LiveObservations(jdbc, JsonMapper.builder().build()), clock);
        // Two days × (v1 on day 1, v2 on day 1, v1 on day 2) × (all + six signals).
        assertThat(store.refresh()).isEqualTo(21);
        LocalDate day1 = LocalDate.of(2026, 12, 2);
        Map<String, DailyRow> v1 = rows(store, "v1", day1);
        DailyRow all = v1.get(LivePerformanceStore.ALL);
        assertThat(all.jobs()).isEqualTo(3);
        assertThat(all.criticalJobs()).isEqualTo(1);
        // Pairs: a 6 accurate, b 0, c 5 of 6 → 11/18; the same for coverage; critical: c's 5 of 6.
        assertThat(all.accuracy()).isCloseTo(11 / 18.0, within(1e-12));
        assertThat(all.coverage()).isCloseTo(11 / 18.0, within(1e-12));
        assertThat(all.criticalAccuracy()).isCloseTo(5 / 6.0, within(1e-12));
        assertThat(all.meanIntervalWidth()).isCloseTo((0.04 + 0.10 + 0.10) / 3, within(1e-12));
        DailyRow speed = v1.get("speed_vs_accuracy");
        assertThat(speed.accuracy()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(speed.coverage()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(speed.criticalAccuracy()).isEqualTo(0.0);
        assertThat(speed.mae()).isCloseTo((0.01 + 0.10 + 0.08) / 3, within(1e-12));
        DailyRow yield = v1.get("yield_risk");
        assertThat(yield.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(yield.criticalAccuracy()).isEqualTo(1.0);
        assertThat(yield.mae()).isCloseTo((0.01 + 0.10) / 3, within(1e-12));
        assertThat(v1).hasSize(7);

        DailyRow v2 = rows(store, "v2", day1).get(LivePerformanceStore.ALL);
        assertThat(v2.jobs()).isEqualTo(1);
        assertThat(v2.accuracy()).isEqualTo(1.0);
        assertThat(v2.criticalAccuracy()).isNull();

        DailyRow day2 = rows(store, "v1", day1.plusDays(1)).get(LivePerformanceStore.ALL);
        assertThat(day2.jobs()).isEqualTo(1);
        assertThat(day2.accuracy()).isEqualTo(0.0);
        assertThat(day2.coverage()).isEqualTo(0.0);
    }

    @Test
    void refreshIsIdempotentSurvivesARestartAndFollowsTheClock() {
        fixture();
        LivePerformanceStore store = new LivePerformanceStore(jdbc, new LiveObservations(jdbc, JsonMapper.builder().build()), clock);
        store.refresh();
        List<DailyRow> first = store.daily("v1", LocalDate.of(2026, 1, 1));
        store.refresh();
        assertThat(stored()).isEqualTo(21);
        assertThat(store.daily("v1", LocalDate.of(2026, 1, 1))).isEqualTo(first);

        // A job evaluated after the last refresh, then a restart: a new store on the same file picks it up
        // by recomputing the newest stored day, and leaves the older days as they were.
        evaluated("f", "v1", DAY2.plusSeconds(60), SOUND, all(0.0), 0.01);
        LivePerformanceStore restarted = new LivePerformanceStore(jdbc, new LiveObservations(jdbc, JsonMapper.builder().build()), clock);
        assertThat(restarted.refresh()).isEqualTo(7);
        LocalDate day2 = LocalDate.of(2026, 12, 3);
        assertThat(rows(restarted, "v1", day2).get(LivePerformanceStore.ALL).accuracy()).isCloseTo(0.5, within(1e-12));
        assertThat(rows(restarted, "v1", day2).get(LivePerformanceStore.ALL).jobs()).isEqualTo(2);
        assertThat(stored()).isEqualTo(21);

        // The clock moves past midnight: the next refresh covers yesterday and today, and a job of today gets its own day.
        clock.now = Instant.parse("2026-12-04T00:10:00Z");
        evaluated("g", "v1", Instant.parse("2026-12-04T00:05:00Z"), SOUND, all(0.04), 0.02);
        assertThat(restarted.refresh()).isEqualTo(14);
        DailyRow day3 = rows(restarted, "v1", day2.plusDays(1)).get(LivePerformanceStore.ALL);
        assertThat(day3.jobs()).isEqualTo(1);
        assertThat(day3.accuracy()).isEqualTo(1.0);
        assertThat(day3.coverage()).isEqualTo(0.0);
        assertThat(stored()).isEqualTo(28);
        // Only today is recomputed now.
        assertThat(restarted.refresh()).isEqualTo(7);
    }

    @Test
    void theWindowHoldsTheLastJobsOfOneVersion() {
        fixture();
        LivePerformanceStore store = new LivePerformanceStore(jdbc, new LiveObservations(jdbc, JsonMapper.builder().build()), clock);
        // v1's newest two: e (day 2, wrong) and c (critical, 5 of 6 right).
        var w = store.window("v1", 2);
        assertThat(w.window()).isEqualTo("last_2");
        assertThat(w.jobs()).isEqualTo(2);
        assertThat(w.accuracy()).isCloseTo(5 / 12.0, within(1e-12));
        assertThat(w.criticalAccuracy()).isCloseTo(5 / 6.0, within(1e-12));
        assertThat(store.window("v2", 200).jobs()).isEqualTo(1);
        assertThat(store.window("v3", 200).jobs()).isZero();
    }

    @Test
    void anEmptyStoreWritesNothing() {
        LivePerformanceStore store = new LivePerformanceStore(jdbc, new LiveObservations(jdbc, JsonMapper.builder().build()), clock);
        assertThat(store.refresh()).isZero();
        assertThat(store.daily("v1", LocalDate.of(2026, 1, 1))).isEmpty();
    }
}
