package dev.lto.intelligence.models;

import dev.lto.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.engine.lifecycle.Retraining;
import dev.lto.intelligence.campaign.DuckDbTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drift-started retraining with its cooldown, on a fake clock and the real run table: the first drift
 * alert starts a run, alerts within the cooldown do not, the first after it does; off when
 * {@code on-drift=false}. (The runs here fail at once: their data supplier refuses; only the starts count.)
 */
class RetrainTriggersTest {

    @Test
    void aDriftAlertStartsARunAtMostOncePerCooldown(@TempDir Path dir) throws Exception {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            MutableClock clock = new MutableClock(Instant.parse("2026-06-01T08:00:00Z"));
            JdbcClient jdbc = JdbcClient.create(ds);
            Retraining retraining = new Retraining(null, null, jdbc, JsonMapper.builder().build(), clock, 0.005, () -> {
                throw new IllegalStateException("no data in this test");
            }, a -> { });
            RetrainTriggers triggers = new RetrainTriggers(retraining, new RetrainProperties("-", true, Duration.ofHours(6), 0.005),
                    clock, false);

            assertThat(triggers.onDriftAlert("dose_mj_cm2")).isTrue();
            idle(retraining);
            clock.advance(Duration.ofHours(5));
            assertThat(triggers.onDriftAlert("sigma")).as("within the 6 h cooldown").isFalse();
            clock.advance(Duration.ofHours(1));
            assertThat(triggers.onDriftAlert("sigma")).isTrue();
            idle(retraining);
            List<Retraining.Run> runs = retraining.latest(10);
            assertThat(runs).extracting(Retraining.Run::trigger).containsExactly("drift", "drift");
            assertThat(runs.getFirst().reason()).isEqualTo("model_drift alert on sigma");
            assertThat(runs).allMatch(r -> r.state() == Retraining.State.FAILED && r.reasons().contains("no data in this test"));

            RetrainTriggers off = new RetrainTriggers(retraining, new RetrainProperties("-", false, Duration.ZERO, 0.005), clock, false);
            assertThat(off.onDriftAlert("sigma")).isFalse();
        } finally {
            ds.destroy();
        }
    }

    private static void idle(Retraining retraining) throws InterruptedException {
        for (int i = 0; i < 200 && retraining.running().isPresent(); i++) {
            Thread.sleep(10);
        }
        assertThat(retraining.running()).isEmpty();
    }
}
