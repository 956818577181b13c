package dev.lto.intelligence;

import dev.lto.testsupport.TestRedis;
import java.util.List;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@code lto.alerts} entries a test published: those after the stream's last entry when the test began. The shared
 * test Redis holds every earlier test's alerts too, so reading the whole stream lets another test's alert satisfy (or
 * fail) an assertion. Made as a field of the test class ({@code AlertStream.markNow()}): JUnit creates the instance, and
 * so takes the mark, for each test method.
 */
public final class AlertStream {

    private final String after;

    private AlertStream(String after) {
        this.after = after;
    }

    /** Marks the end of the shared test Redis's {@code lto.alerts} now. */
    public static AlertStream markNow() {
        Object last = TestRedis.shared().command("XREVRANGE", "lto.alerts", "+", "-", "COUNT", "1");
        return new AlertStream(last instanceof List<?> l && !l.isEmpty() && l.getFirst() instanceof List<?> entry
                ? String.valueOf(entry.getFirst()) : "0-0");
    }

    /** Each entry after the mark, as its fields' string form, oldest first. */
    public List<String> read(StringRedisTemplate redis) {
        return redis.opsForStream().range("lto.alerts", Range.rightUnbounded(Range.Bound.exclusive(after))).stream()
                .map(r -> r.getValue().toString()).toList();
    }
}
