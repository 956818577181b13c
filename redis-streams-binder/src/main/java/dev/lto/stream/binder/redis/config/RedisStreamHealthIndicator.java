package dev.lto.stream.binder.redis.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.lto.stream.binder.redis.RedisStreamInspector;

/**
 * {@code redisStreamBinder} health: DOWN when Redis does not answer PING; otherwise UP with, per
 * bound {@code stream/group}: pending, lag, consumers, length and dead-letter length. Time-boxed:
 * the whole check answers within {@code health-timeout} (DOWN with the reason when Redis is slower),
 * so a health probe never hangs on a dead or stalled Redis.
 */
public class RedisStreamHealthIndicator implements HealthIndicator {

    /**
     * Checks run on threads of their own (not the common pool, which has one thread on two cores and which
     * other work shares), and a probe arriving while a check still runs waits for that one instead of
     * queueing another: a stalled Redis never piles up checks.
     */
    private static final ExecutorService CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "redis-stream-health");
        t.setDaemon(true);
        return t;
    });

    private final RedisStreamInspector inspector;
    private final Duration timeout;
    private CompletableFuture<Health> inFlight;

    public RedisStreamHealthIndicator(RedisStreamInspector inspector) {
        this(inspector, Duration.ofMillis(1500));
    }

    public RedisStreamHealthIndicator(RedisStreamInspector inspector, Duration timeout) {
        this.inspector = inspector;
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        CompletableFuture<Health> check;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.supplyAsync(this::check, CHECKS);
            }
            check = inFlight;
        }
        try {
            return check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            return Health.down().withDetail("reason", "Redis did not answer the health check within " + timeout).build();
        }
        catch (ExecutionException ex) {
            return Health.down(ex.getCause()).build();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("reason", "interrupted").build();
        }
    }

    private Health check() {
        if (!inspector.ping()) {
            return Health.down().withDetail("ping", "no answer").withDetail("reason", "Redis does not answer PING").build();
        }
        try {
            Map<String, Object> groups = new LinkedHashMap<>();
            for (RedisStreamInspector.StreamGroupStatus s : inspector.boundGroups()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("pending", s.pending());
                d.put("lag", s.lag());
                d.put("consumers", s.consumers());
                d.put("length", s.length());
                d.put("deadLetterStream", s.deadLetterStream());
                d.put("deadLetterLength", s.deadLetterLength());
                d.put("groupExists", s.groupExists());
                groups.put(s.stream() + "/" + s.group(), d);
            }
            return Health.up().withDetail("ping", "PONG").withDetail("groups", groups).build();
        }
        catch (RuntimeException ex) {
            return Health.down(ex).build();
        }
    }
}
