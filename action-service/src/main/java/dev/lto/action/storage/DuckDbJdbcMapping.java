package dev.lto.action.storage;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
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
 * What Spring Data JDBC needs to speak DuckDB in action-service's own file,
 * {@code ${lto.data-dir}/action.duckdb} (the pool is platform's {@code DuckDbStorage}, the schema
 * {@code schema-action.sql}): a dialect and UTC timestamp conversions.
 */
@Configuration(proxyBeanMethods = false)
class DuckDbJdbcMapping {

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
