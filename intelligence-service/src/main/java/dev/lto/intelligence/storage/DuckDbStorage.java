package dev.lto.intelligence.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The DuckDB file under {@code lto.data-dir}. DuckDB lets one process hold a file for writing
 * (ADR 0002); inside this process the pooled connections share one database instance, and the
 * job consumer is the only writer thread of the job tables.
 */
@Configuration(proxyBeanMethods = false)
class DuckDbStorage {

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties, @Value("${lto.data-dir}") Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir.toAbsolutePath(), e);
        }
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }
}
