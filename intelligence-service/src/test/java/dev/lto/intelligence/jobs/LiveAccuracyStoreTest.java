package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.engine.evaluation.LivePerformance;
import dev.lto.intelligence.performance.LiveObservations;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live accuracy read back from a real DuckDB file: the job evaluations the pipeline stores (actual
 * against predicted) become the engine's observations ({@link LiveObservations}), newest first, with
 * k₁ from the training buffer, and only the asked model version's when one is named.
 */
class LiveAccuracyStoreTest {

    private static final List<String> NAMES = dev.lto.contracts.TradeoffSignals.NAMES;

    private static Evaluation evaluation(Instant at, double off, double[] actual) {
        List<Evaluation.SignalCheck> checks = new ArrayList<>();
        for (int j = 0; j < actual.length; j++) {
            double p = actual[j] + off;
            checks.add(new Evaluation.SignalCheck(NAMES.get(j), p, p - 0.02, p + 0.02, actual[j], -off,
                    Math.abs(off) <= 0.02));
        }
        return new Evaluation(at, "v7", false, false, false, 0, 1, 0, checks, List.of(), List.of());
    }

    @Test
    void recentEvaluationsBecomeObservationsNewestFirst(@TempDir Path dir) {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-pipeline.sql")).execute(ds);
        JdbcClient jdbc = JdbcClient.create(ds);
        PipelineRepository repo = new PipelineRepository(jdbc, JsonMapper.builder().build());
        LiveObservations observations = new LiveObservations(jdbc, JsonMapper.builder().build());
        double[] sound = {0.5, 0.5, 0.5, 0.5, 0.1, 0.8};
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        // Oldest: far off. Then two right, one of them critical by its k₁ in the training buffer.
        repo.storeEvaluation("old", evaluation(t0, 0.3, sound));
        repo.storeEvaluation("right1", evaluation(t0.plusSeconds(60), 0.01, sound));
        repo.storeEvaluation("right2", evaluation(t0.plusSeconds(120), 0.0, sound));
        jdbc.sql("INSERT INTO training_buffer (job_id, added_at, adapter_type, parameters, signals, k1, anomaly)"
                        + " VALUES ('right2', ?, 'synthetic', '{}', '{}', 0.25, false)")
                .param(Timestamp.from(t0)).update();

        List<LivePerformance.Observation> last2 = observations.recent(2);
        assertThat(last2).extracting(LivePerformance.Observation::jobId).containsExactly("right2", "right1");
        assertThat(last2.get(0).k1()).isEqualTo(0.25);
        assertThat(last2.get(1).k1()).isNaN();
        assertThat(last2.get(0).modelVersion()).isEqualTo("v7");
        LivePerformance.Window w = LivePerformance.lastN(last2, 2);
        assertThat(w.accuracy()).isEqualTo(1.0);
        assertThat(w.criticalJobs()).isEqualTo(1);
        assertThat(w.meanWidth()).isCloseTo(0.04, within(1e-9));

        assertThat(last2.get(0).evaluatedAt()).isEqualTo(t0.plusSeconds(120));
        assertThat(observations.recent(10, "v7")).hasSize(3);
        assertThat(observations.recent(10, "v8")).isEmpty();
        assertThat(observations.since(t0.plusSeconds(60))).extracting(LivePerformance.Observation::jobId)
                .containsExactly("right1", "right2");
        assertThat(observations.first()).contains(t0);
        LivePerformance.Window all = LivePerformance.lastN(observations.recent(10), 10);
        assertThat(all.jobs()).isEqualTo(3);
        assertThat(all.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(all.coverage()).isCloseTo(2 / 3.0, within(1e-12));
        ds.destroy();
    }
}
