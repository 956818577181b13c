package dev.lto.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Short-lived, single-use tickets that let a browser open a WebSocket (which cannot carry a header):
 * a key holder asks {@code POST /api/v1/ws-tickets} and connects to {@code /ws/...?ticket=...} within
 * {@code lto.auth.ticket-ttl}. Redis keeps only the ticket's SHA-256, with the caller, and deletes it on
 * first use (GETDEL), so a ticket in a proxy log is worthless once used or expired.
 */
public final class WebSocketTickets {

    static final String PREFIX = "lto:auth:ticket:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StringRedisTemplate redis;
    private final Duration ttl;

    public WebSocketTickets(StringRedisTemplate redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    public String issue(Caller caller) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        redis.opsForValue().set(PREFIX + sha256(ticket), caller.keyId() + "|" + caller.role().wireName() + "|" + caller.owner(), ttl);
        return ticket;
    }

    Optional<Caller> redeem(String ticket) {
        if (ticket.length() > 128) {
            return Optional.empty();
        }
        String v = redis.opsForValue().getAndDelete(PREFIX + sha256(ticket));
        if (v == null) {
            return Optional.empty();
        }
        String[] f = v.split("\\|", -1);
        return Optional.of(new Caller(f[0], Role.of(f[1]), f[2]));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
