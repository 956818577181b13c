package dev.lto.platform.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;

/**
 * A service's own DuckDB file, {@code ${lto.data-dir}/${lto.storage.duckdb-file}} (intelligence-service:
 * {@code lto.duckdb}, action-service: {@code action.duckdb}). DuckDB lets one process hold a file for
 * writing (ADR 0002); inside the process a Hikari pool ({@code spring.datasource.hikari.*}) shares one
 * database instance. The URL is derived here, once, from the data directory (created if missing), so a
 * test's random data directory names one file. Off unless {@code lto.storage.duckdb-file} is set.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({HikariDataSource.class, DataSourceProperties.class})
@ConditionalOnProperty("lto.storage.duckdb-file")
public class DuckDbStorage {

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties, @Value("${lto.data-dir}") Path dataDir,
                                @Value("${lto.storage.duckdb-file}") String file) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir.toAbsolutePath(), e);
        }
        properties.setUrl("jdbc:duckdb:" + dataDir.resolve(file).toAbsolutePath());
        properties.setDriverClassName("org.duckdb.DuckDBDriver");
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }
}
