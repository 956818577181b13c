package dev.lto.stream.binder.redis.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.lto.stream.binder.redis.RedisStreamInspector;

/**
 * {@code redisStreamBinder} health: DOWN when Redis does not answer PING; otherwise UP with, per
 * bound {@code stream/group}: pending, lag, consumers, length and dead-letter length.
 */
public class RedisStreamHealthIndicator implements HealthIndicator {

    private final RedisStreamInspector inspector;

    public RedisStreamHealthIndicator(RedisStreamInspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public Health health() {
        if (!inspector.ping()) {
            return Health.down().withDetail("ping", "no answer").build();
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
