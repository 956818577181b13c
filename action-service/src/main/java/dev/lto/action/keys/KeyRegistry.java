package dev.lto.action.keys;

import dev.lto.platform.web.NotFoundException;
import dev.lto.security.ApiKeys;
import dev.lto.security.AuthProperties;
import dev.lto.security.KeyDirectory;
import dev.lto.security.Role;
import dev.lto.security.ServiceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The key registry: issues, lists and revokes keys, keeps them in DuckDB and publishes each one's
 * verification view to Redis for every service ({@link KeyDirectory}). The whole table is published
 * again at start and every minute, so a Redis that lost its data (restart without AOF) is refilled.
 * On the first start (no key at all) it creates an admin key: the one given in
 * {@code lto.auth.bootstrap-admin-key} (Helm/compose Secret), or a fresh one written to
 * {@code ${lto.data-dir}/admin-key} (0600) that {@code ./lto up} prints once and deletes.
 */
@Service
class KeyRegistry {

    private static final Logger log = LoggerFactory.getLogger(KeyRegistry.class);
    static final String ADMIN_KEY_FILE = "admin-key";
    static final String BOOTSTRAP_OWNER = "admin";
    static final String SERVICE_OWNER = "action-service";

    record Issued(ApiKey key, String secret) {
    }

    private final ApiKeyRepository repository;
    private final JdbcAggregateTemplate aggregates;
    private final ApiKeys keys;
    private final KeyDirectory directory;
    private final AuthProperties properties;
    private final Path dataDir;
    private final String bootstrapKey;
    private final Clock clock;
    private final ServiceKey serviceKey;

    KeyRegistry(ServiceKey serviceKey, ApiKeyRepository repository, JdbcAggregateTemplate aggregates, ApiKeys keys, KeyDirectory directory,
                AuthProperties properties, @Value("${lto.data-dir}") Path dataDir,
                @Value("${lto.auth.bootstrap-admin-key:}") String bootstrapKey, Clock clock) {
        this.serviceKey = serviceKey;
        this.repository = repository;
        this.aggregates = aggregates;
        this.keys = keys;
        this.directory = directory;
        this.properties = properties;
        this.dataDir = dataDir;
        this.bootstrapKey = bootstrapKey;
        this.clock = clock;
    }

    Issued create(Role role, String owner, Instant expiresAt) {
        return issue(ApiKeys.generate(), role, owner, expiresAt);
    }

    private Issued issue(String secret, Role role, String owner, Instant expiresAt) {
        ApiKey key = aggregates.insert(new ApiKey(ApiKeys.newId(), keys.hmac(secret), role.wireName(), owner, clock.instant(),
                null, expiresAt, null));
        publish(key);
        log.info("API key {} issued: role {}, owner {}", key.id(), key.role(), key.owner());
        return new Issued(key, secret);
    }

    /** Every key, newest first, with its last use as the services reported it. */
    List<ApiKey> list() {
        Map<String, Instant> used;
        try {
            used = directory.lastUsed();
        } catch (DataAccessException e) {
            used = Map.of();
        }
        Map<String, Instant> lastUsed = used;
        return repository.findAll().stream().map(k -> {
            Instant u = lastUsed.get(k.id());
            if (u != null && (k.lastUsedAt() == null || u.isAfter(k.lastUsedAt()))) {
                return repository.save(k.withLastUsedAt(u));
            }
            return k;
        }).sorted(Comparator.comparing(ApiKey::createdAt).reversed()).toList();
    }

    /** Revokes a key (idempotent): every service refuses it within {@code lto.auth.cache-ttl}. */
    ApiKey revoke(String id) {
        ApiKey k = repository.findById(id).orElseThrow(() -> new NotFoundException("no API key " + id));
        if (k.revokedAt() == null) {
            k = repository.save(k.withRevokedAt(clock.instant()));
            log.info("API key {} revoked (owner {})", k.id(), k.owner());
        }
        publish(k);
        return k;
    }

    private void publish(ApiKey k) {
        directory.publish(k.hmac(), new KeyDirectory.Entry(k.id(), Role.of(k.role()), k.owner(), k.expiresAt(), k.revokedAt()));
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (properties.enabled()) {
            if (repository.count() == 0) {
                bootstrap();
            }
            mintServiceKey();
        }
        republish();
    }

    /**
     * A fresh viewer key for this service's own calls to the others (simulator health, tradeoff trends);
     * the one of the previous start is revoked, so a service key lives no longer than the process.
     */
    private void mintServiceKey() {
        repository.findAll().stream().filter(k -> SERVICE_OWNER.equals(k.owner()) && k.revokedAt() == null)
                .forEach(k -> revoke(k.id()));
        serviceKey.set(create(Role.VIEWER, SERVICE_OWNER, null).secret());
    }

    @Scheduled(fixedDelayString = "${lto.auth.republish-interval:60s}", initialDelayString = "${lto.auth.republish-interval:60s}")
    void republish() {
        try {
            repository.findAll().forEach(this::publish);
        } catch (DataAccessException e) {
            log.warn("API keys not published to Redis ({}); retried in a minute", e.getMessage());
        }
    }

    private void bootstrap() {
        if (!bootstrapKey.isBlank()) {
            issue(bootstrapKey.trim(), Role.ADMIN, BOOTSTRAP_OWNER, null);
            log.info("First start: the admin key from lto.auth.bootstrap-admin-key is registered");
            return;
        }
        Issued first = create(Role.ADMIN, BOOTSTRAP_OWNER, null);
        Path file = dataDir.resolve(ADMIN_KEY_FILE);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, first.secret() + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the first admin key to " + file, e);
        }
        log.warn("First start: admin key {} created and written to {} (read it once, then delete the file; ./lto up does both)",
                first.key().id(), file.toAbsolutePath());
    }
}
