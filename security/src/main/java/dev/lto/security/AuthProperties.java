package dev.lto.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.auth.*} (docs/security.md).
 *
 * @param enabled          false only for development ({@code LTO_AUTH=off} in the environment of a hand-started
 *                         service; every endpoint then answers without a key and each service logs a WARN at start)
 * @param secret           the HMAC secret keys are hashed with ({@code LTO_AUTH_SECRET}); at least 32 characters
 * @param cacheTtl         how long a verified (or unknown) key is trusted without asking Redis again: the bound on
 *                         how late a revocation takes effect
 * @param ticketTtl        lifetime of a single-use WebSocket ticket ({@code POST /api/v1/ws-tickets})
 * @param lastUsedInterval a key's last use is written to Redis at most this often per service instance
 * @param metricsRequireKey {@code /actuator/prometheus} needs a viewer key when true (Prometheus then scrapes with
 *                         {@code authorization.credentials_file}); open when false, for scrapers inside the network
 * @param keys             keys given by configuration (only their HMAC), for machine clients and tests; they are
 *                         not in the registry and are rotated by changing the configuration
 */
@ConfigurationProperties("lto.auth")
public record AuthProperties(
        @DefaultValue("true") boolean enabled,
        String secret,
        @DefaultValue("5s") Duration cacheTtl,
        @DefaultValue("30s") Duration ticketTtl,
        @DefaultValue("60s") Duration lastUsedInterval,
        @DefaultValue("false") boolean metricsRequireKey,
        @DefaultValue List<ConfiguredKey> keys) {

    /** A key given by configuration: its id, role, owner and the HMAC of the key (never the key). */
    public record ConfiguredKey(String id, String role, String owner, String hmac) {
    }
}
