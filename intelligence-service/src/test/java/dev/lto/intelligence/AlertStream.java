package dev.lto.intelligence;

import java.util.List;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@code lto.alerts} entries a test published: those after the stream's last entry when the test began. The shared
 * test Redis holds every earlier test's alerts too, so reading the whole stream lets another test's alert satisfy (or
 * fail) an assertion.
 */
public final class AlertStream {

    private final StringRedisTemplate redis;
    private final String after;

    private AlertStream(StringRedisTemplate redis, String after) {
        this.redis = redis;
        this.after = after;
    }

    /** Marks the stream's end now; {@link #read()} returns what comes after it. */
    public static AlertStream fromNow(StringRedisTemplate redis) {
        var last = redis.opsForStream().reverseRange("lto.alerts", Range.unbounded(), Limit.limit().count(1));
        return new AlertStream(redis, last == null || last.isEmpty() ? "0-0" : last.getFirst().getId().getValue());
    }

    /** Each entry after the mark, as its fields' string form, oldest first. */
    public List<String> read() {
        return redis.opsForStream().range("lto.alerts", Range.rightUnbounded(Range.Bound.exclusive(after))).stream()
                .map(r -> r.getValue().toString()).toList();
    }
}
