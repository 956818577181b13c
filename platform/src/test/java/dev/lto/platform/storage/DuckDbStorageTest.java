package dev.lto.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The DuckDB store both services use: the file under a data directory not yet there, a pool, a working connection. */
class DuckDbStorageTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DuckDbStorage.class, DataSourceAutoConfiguration.class));

    @Test
    void opensTheServicesFileUnderTheDataDirectoryWithThePoolSettings(@TempDir Path tmp) {
        Path dataDir = tmp.resolve("not-yet").resolve("data");
        runner.withPropertyValues("lto.data-dir=" + dataDir, "lto.storage.duckdb-file=svc.duckdb",
                        "spring.datasource.hikari.pool-name=duckdb", "spring.datasource.hikari.maximum-pool-size=3")
                .run(ctx -> {
                    HikariDataSource ds = ctx.getBean(HikariDataSource.class);
                    // Created with the pool, before any connection (the models and pictures live there too).
                    assertThat(Files.isDirectory(dataDir)).isTrue();
                    assertThat(ctx.getBeansOfType(DataSource.class)).hasSize(1);
                    assertThat(ds.getJdbcUrl()).isEqualTo("jdbc:duckdb:" + dataDir.resolve("svc.duckdb").toAbsolutePath());
                    assertThat(ds.getPoolName()).isEqualTo("duckdb");
                    assertThat(ds.getMaximumPoolSize()).isEqualTo(3);
                    JdbcClient jdbc = JdbcClient.create(ds);
                    jdbc.sql("CREATE TABLE t (x INTEGER)").update();
                    jdbc.sql("INSERT INTO t VALUES (42)").update();
                    assertThat(jdbc.sql("SELECT x FROM t").query(Integer.class).single()).isEqualTo(42);
                    assertThat(Files.exists(dataDir.resolve("svc.duckdb"))).isTrue();
                });
    }

    @Test
    void offWithoutAFileName() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DuckDbStorage.class))
                .withPropertyValues("lto.data-dir=/nonexistent").run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(DuckDbStorage.class));
    }
}
