package dev.lto.action.storage;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.core.convert.JdbcCustomConversions;
import org.springframework.data.jdbc.core.dialect.JdbcArrayColumns;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.dialect.AnsiDialect;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.PostgresDialect;
import org.springframework.data.relational.core.sql.IdentifierProcessing;

/**
 * Action-service's own DuckDB file, {@code ${lto.data-dir}/action.duckdb} (one writer per file,
 * ADR 0002: nothing else opens it). Built like intelligence-service's store (a Hikari pool over
 * the DuckDB driver, schema from {@code schema-action.sql}), plus what Spring Data JDBC needs to
 * speak DuckDB: a dialect and UTC timestamp conversions.
 */
@Configuration(proxyBeanMethods = false)
class DuckDbStorage {

    /** The file path is derived here, once, so a test's random data directory names one file. */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties properties, @Value("${lto.data-dir}") Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir.toAbsolutePath(), e);
        }
        properties.setUrl("jdbc:duckdb:" + dataDir.resolve("action.duckdb").toAbsolutePath());
        properties.setDriverClassName("org.duckdb.DuckDBDriver");
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }

    /** Spring Data JDBC ships no DuckDB dialect; DuckDB speaks PostgreSQL's LIMIT/OFFSET and quoting. */
    @Bean
    JdbcDialect duckDbDialect() {
        return DuckDbDialect.INSTANCE;
    }

    /**
     * Every LTO table stores TIMESTAMP (no zone) holding UTC; without these Spring Data JDBC would
     * convert through {@link Timestamp} in the JVM's default zone.
     */
    @Bean
    JdbcCustomConversions jdbcCustomConversions() {
        return new JdbcCustomConversions(List.of(new InstantToUtc(), new TimestampToInstant(), new LocalDateTimeToInstant()));
    }

    static final class DuckDbDialect extends AnsiDialect implements JdbcDialect {

        static final DuckDbDialect INSTANCE = new DuckDbDialect();

        @Override
        public LimitClause limit() {
            return PostgresDialect.INSTANCE.limit();
        }

        @Override
        public IdentifierProcessing getIdentifierProcessing() {
            return IdentifierProcessing.create(IdentifierProcessing.Quoting.ANSI, IdentifierProcessing.LetterCasing.LOWER_CASE);
        }

        @Override
        public JdbcArrayColumns getArraySupport() {
            return JdbcArrayColumns.Unsupported.INSTANCE;
        }
    }

    @WritingConverter
    static final class InstantToUtc implements Converter<Instant, LocalDateTime> {
        @Override
        public LocalDateTime convert(Instant source) {
            return LocalDateTime.ofInstant(source, ZoneOffset.UTC);
        }
    }

    @ReadingConverter
    static final class TimestampToInstant implements Converter<Timestamp, Instant> {
        @Override
        public Instant convert(Timestamp source) {
            return source.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
    }

    @ReadingConverter
    static final class LocalDateTimeToInstant implements Converter<LocalDateTime, Instant> {
        @Override
        public Instant convert(LocalDateTime source) {
            return source.toInstant(ZoneOffset.UTC);
        }
    }
}
