package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.models.TestData;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.intelligence.campaign.DuckDbTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shadow sync ({@code lto.models.shadow.sync-interval}, 30 s) reads a candidate's artifact only when the
 * version to shadow changes: a loaded candidate, and one whose artifact cannot be loaded, are not loaded again
 * at each interval. Load attempts are counted from the log lines each one writes (the engine's on a load, the
 * trial's on a failed one), on a real engine, registry and store (DuckDB in a temp dir).
 */
class ShadowSyncTest {

    @Test
    void loadsOnlyWhenTheVersionToShadowChanges(@TempDir Path dir) throws Exception {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger engineLog = (Logger) LoggerFactory.getLogger(TradeoffEngine.class);
        Logger trialLog = (Logger) LoggerFactory.getLogger(ShadowTrial.class);
        engineLog.addAppender(logs);
        trialLog.addAppender(logs);
        try {
            JdbcClient jdbc = JdbcClient.create(ds);
            ModelRegistry registry = new ModelRegistry(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)));
            ModelStore store = new ModelStore(dir, JsonMapper.builder().build());
            ModelService service = new ModelPromotionTest().service(jdbc, registry, dir);
            TradeoffEngine engine = service.engine();
            ModelLifecycle lifecycle = new ModelLifecycle(engine, registry, store, Clock.systemUTC(), Duration.ofHours(1), a -> { });
            ShadowTrial trial = new ShadowTrial(engine, registry, store, lifecycle, jdbc, Clock.systemUTC(), 20, a -> { });
            service.trainRegisterPromote(TestData.samples(300, 41), "bootstrap: no production model existed");

            // A candidate that passed its gates: loaded at the first sync, kept (not reloaded) at the next ones.
            TradeoffEngine.Registered v2 = engine.trainAndRegister(ModelPromotionTest.passingCampaign());
            assertThat(v2.metrics().allGatesPassed()).as("precondition: %s", v2.metrics().gates()).isTrue();
            for (int i = 0; i < 3; i++) {
                trial.sync();
            }
            assertThat(engine.shadowVersion()).hasValue(v2.version());
            assertThat(count(logs, "predicts in shadow")).isEqualTo(1);

            // A newer candidate whose gates passed but whose model files are missing: tried once, then left alone.
            Path broken = Files.createDirectories(dir.resolve("models").resolve("v9-broken"));
            Files.write(broken.resolve("metrics.json"), JsonMapper.builder().build().writeValueAsBytes(new ModelMetrics("test", 1000, 10,
                    0.99, 1.0, 0.95, 0.05, 0, 0, 0.1, 0.0, Map.of(), Map.of(), Map.of(), 0.0, 0.0,
                    List.of(new ModelMetrics.Gate("accuracy", ">= 0.90", "0.99", true)))));
            registry.register("v9", 1000, 0.99, 1.0, broken.toString());
            for (int i = 0; i < 3; i++) {
                trial.sync();
            }
            assertThat(engine.shadowVersion()).isEmpty();
            assertThat(count(logs, "cannot be loaded")).isEqualTo(1);
            assertThat(count(logs, "predicts in shadow")).isEqualTo(1);
        } finally {
            engineLog.detachAppender(logs);
            trialLog.detachAppender(logs);
            ds.destroy();
        }
    }

    private static long count(ListAppender<ILoggingEvent> logs, String text) {
        return logs.list.stream().filter(e -> e.getFormattedMessage().contains(text)).count();
    }
}
