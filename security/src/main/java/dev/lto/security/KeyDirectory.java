package dev.lto.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Verifies presented keys. The key registry (action-service) publishes each key's verification view
 * to the Redis hash {@value #KEYS_HASH} (field: the key's HMAC; value: {@code id|role|owner|expires|revoked},
 * epoch milliseconds or {@code -}), so every instance of every service checks keys without its own store.
 * Answers are cached for {@code lto.auth.cache-ttl}: a revocation takes effect within that time. The last
 * use of each key goes back to {@value #LAST_USED_HASH} at most once per {@code last-used-interval}.
 * Keys given by configuration are checked first, with a constant-time comparison of their HMACs.
 */
public final class KeyDirectory {

    public static final String KEYS_HASH = "lto:auth:keys";
    public static final String LAST_USED_HASH = "lto:auth:last-used";
    /** What an owner may be: it is written into job histories and alerts, and delimits the Redis value. */
    public static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    private static final int CACHE_LIMIT = 10_000;

    /** What a service needs to know of a key to let a request through. */
    public record Entry(String id, Role role, String owner, Instant expiresAt, Instant revokedAt) {

        boolean usableAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }

        String encode() {
            return id + "|" + role.wireName() + "|" + owner + "|" + millis(expiresAt) + "|" + millis(revokedAt);
        }

        static Entry decode(String s) {
            String[] f = s.split("\\|", -1);
            return new Entry(f[0], Role.of(f[1]), f[2], instant(f[3]), instant(f[4]));
        }

        private static String millis(Instant t) {
            return t == null ? "-" : Long.toString(t.toEpochMilli());
        }

        private static Instant instant(String s) {
            return "-".equals(s) ? null : Instant.ofEpochMilli(Long.parseLong(s));
        }
    }

    private record Cached(Entry entry, long fetchedAtNanos) {
    }

    private record Configured(byte[] hmac, Caller caller) {
    }

    private final StringRedisTemplate redis;
    private final ApiKeys keys;
    private final AuthProperties properties;
    private final Clock clock;
    private final List<Configured> configured;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Long> lastUsedWritten = new ConcurrentHashMap<>();

    public KeyDirectory(StringRedisTemplate redis, ApiKeys keys, AuthProperties properties, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
        this.configured = properties.keys().stream().map(k -> {
            if (k.id() == null || k.hmac() == null || k.owner() == null || !OWNER.matcher(k.owner()).matches()) {
                throw new IllegalStateException("lto.auth.keys: each key needs id, role, owner (" + OWNER + ") and hmac");
            }
            return new Configured(k.hmac().getBytes(StandardCharsets.US_ASCII), new Caller(k.id(), Role.of(k.role()), k.owner()));
        }).toList();
    }

    /**
     * The caller a presented key stands for; empty for an unknown, revoked or expired key (one answer for all three).
     *
     * @throws DataAccessException when Redis cannot be asked and nothing is cached for this key
     */
    public Optional<Caller> verify(String presented) {
        String hmac = keys.hmac(presented);
        byte[] hmacBytes = hmac.getBytes(StandardCharsets.US_ASCII);
        for (Configured c : configured) {
            if (MessageDigest.isEqual(c.hmac(), hmacBytes)) {
                return Optional.of(c.caller());
            }
        }
        Entry e = lookup(hmac);
        Instant now = clock.instant();
        if (e == null || !e.usableAt(now)) {
            return Optional.empty();
        }
        noteUse(e.id(), now);
        return Optional.of(new Caller(e.id(), e.role(), e.owner()));
    }

    private Entry lookup(String hmac) {
        long nowNanos = System.nanoTime();
        Cached c = cache.get(hmac);
        if (c != null && nowNanos - c.fetchedAtNanos() < properties.cacheTtl().toNanos()) {
            return c.entry();
        }
        Object raw;
        try {
            raw = redis.opsForHash().get(KEYS_HASH, hmac);
        } catch (DataAccessException e) {
            if (c != null) {
                return c.entry(); // Redis away: a key known a moment ago keeps working, an unknown one is refused (503)
            }
            throw e;
        }
        Entry e = raw == null ? null : Entry.decode(raw.toString());
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear(); // a flood of made-up keys must not grow the heap
        }
        cache.put(hmac, new Cached(e, nowNanos));
        return e;
    }

    private void noteUse(String id, Instant now) {
        long ms = now.toEpochMilli();
        Long last = lastUsedWritten.get(id);
        if (last != null && ms - last < properties.lastUsedInterval().toMillis()) {
            return;
        }
        lastUsedWritten.put(id, ms);
        try {
            redis.opsForHash().put(LAST_USED_HASH, id, Long.toString(ms));
        } catch (DataAccessException e) {
            // last use is informational; a request is not failed for it
        }
    }

    /** Publishes (or replaces) a key's verification view; the registry calls it on every change. */
    public void publish(String hmac, Entry entry) {
        redis.opsForHash().put(KEYS_HASH, hmac, entry.encode());
        cache.remove(hmac);
    }

    /** Last use of each key id as written by any service instance. */
    public Map<String, Instant> lastUsed() {
        Map<String, Instant> out = new HashMap<>();
        redis.opsForHash().entries(LAST_USED_HASH).forEach((k, v) -> out.put(k.toString(), Instant.ofEpochMilli(Long.parseLong(v.toString()))));
        return out;
    }
}
