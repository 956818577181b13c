package dev.lto.action.streams;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The WebSocket streams ({@code lto.action.streams.*}).
 *
 * @param metricsInterval      a MetricFrame on {@code /ws/metrics} this often (the seed's 5 s)
 * @param healthRefresh        the health checks behind {@code system_health} run this often
 * @param maxSessions          open sessions over both endpoints; a handshake beyond it is refused with 503
 * @param sendTimeLimit        a client whose one frame takes longer than this to write is closed as dead
 * @param metricsBufferBytes   per client on {@code /ws/metrics}: beyond this the oldest frames are dropped
 * @param alertsBufferBytes    per client on {@code /ws/alerts}: beyond this the client is closed (code 4008, with the reason)
 * @param pingInterval         keep-alive ping to every client this often
 * @param allowedOrigins       browser origins allowed besides the service's own (none by default)
 * @param intelligenceUrl      where {@code GET /api/v1/tradeoffs/trends} is asked for the tradeoff scores
 * @param trendBucket          bucket of that trend query; the API tests the last 30 buckets (10m: the last 5 h)
 * @param trendRefresh         how often the trends are asked for
 * @param trendTimeout         how long one trends request may take
 * @param trendStaleAfter      scores older than this (intelligence not answering) are sent as unknown
 */
@ConfigurationProperties("lto.action.streams")
record StreamProperties(
        @DefaultValue("5s") Duration metricsInterval,
        @DefaultValue("5s") Duration healthRefresh,
        @DefaultValue("2000") int maxSessions,
        @DefaultValue("10s") Duration sendTimeLimit,
        @DefaultValue("16384") int metricsBufferBytes,
        @DefaultValue("262144") int alertsBufferBytes,
        @DefaultValue("25s") Duration pingInterval,
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("http://localhost:8082") String intelligenceUrl,
        @DefaultValue("10m") String trendBucket,
        @DefaultValue("30s") Duration trendRefresh,
        @DefaultValue("2s") Duration trendTimeout,
        @DefaultValue("2m") Duration trendStaleAfter) {

    StreamProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        if (metricsInterval.isNegative() || metricsInterval.isZero() || maxSessions < 1 || metricsBufferBytes < 1
                || alertsBufferBytes < 1 || !trendBucket.matches("\\d+[mhd]")) {
            throw new IllegalArgumentException("lto.action.streams: intervals must be positive, limits at least 1, "
                    + "trend-bucket a count and a unit m, h or d (got " + trendBucket + ")");
        }
    }
}
