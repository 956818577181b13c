package dev.lto.intelligence.campaign;

import dev.lto.engine.models.FakePhysics;
import java.nio.file.Path;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** A DuckDB file with the tradeoff-engine schema, for tests that need no Spring context. */
public final class DuckDbTestSupport {

    private DuckDbTestSupport() {
    }

    public static SingleConnectionDataSource dataSource(Path dir) {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema-models.sql")).execute(ds);
        return ds;
    }

    public static CampaignStore store(JdbcClient jdbc) {
        return new CampaignStore(jdbc, tools.jackson.databind.json.JsonMapper.builder().build());
    }

    public static TrainingCampaign campaign(FakePhysics sim, CampaignStore store) {
        return new TrainingCampaign(new dev.lto.simulator.spi.SimulatorAdapters(java.util.List.of(sim)), store,
                tools.jackson.databind.json.JsonMapper.builder().build());
    }

    public static CampaignProperties spec(int samples, long seed) {
        return new CampaignProperties(samples, seed, 0.15, 0.5, "fake", 1, 0.8,
                new CampaignProperties.Split(0.55, 0.2, 0.1), java.time.Duration.ofSeconds(30));
    }

    /** Reference data (none shipped at this location), for tests outside this package that build the model service. */
    public static ReferenceData reference(JdbcClient jdbc, CampaignStore store, dev.lto.simulator.spi.SimulatorAdapters adapters) {
        return new ReferenceData(jdbc, store, adapters, tools.jackson.databind.json.JsonMapper.builder().build(),
                "classpath:no-reference-data/");
    }
}
