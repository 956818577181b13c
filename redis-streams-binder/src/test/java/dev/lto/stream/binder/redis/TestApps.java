package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.lto.testsupport.TestRedis;

import static org.awaitility.Awaitility.await;

/** Starts small Spring Boot test applications against the test JVM's own redis-server. */
final class TestApps {

    private TestApps() {
    }

    static ConfigurableApplicationContext run(Class<?> app, String... properties) {
        TestRedis redis = TestRedis.shared();
        List<String> all = new ArrayList<>(Arrays.asList(redis.springProperties()));
        all.add("spring.main.web-application-type=none");
        all.add("spring.main.banner-mode=off");
        all.add("spring.cloud.stream.redis.binder.shutdown-timeout=10s");
        all.addAll(Arrays.asList(properties));
        return new SpringApplicationBuilder(app).properties(all.toArray(String[]::new)).run();
    }

    /** XRANGE stream - + as a list of (id, field map). */
    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Map<String, String>>> xrange(String stream) {
        List<Object> reply = (List<Object>) TestRedis.shared().command("XRANGE", stream, "-", "+");
        List<Map.Entry<String, Map<String, String>>> out = new ArrayList<>();
        for (Object o : reply) {
            List<Object> entry = (List<Object>) o;
            out.add(Map.entry((String) entry.get(0), fields((List<Object>) entry.get(1))));
        }
        return out;
    }

    static Map<String, String> fields(List<Object> flat) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(String.valueOf(flat.get(i)), flat.get(i + 1) == null ? null : String.valueOf(flat.get(i + 1)));
        }
        return m;
    }

    /** Pending count of a group (XPENDING summary). */
    @SuppressWarnings("unchecked")
    static long pending(String stream, String group) {
        List<Object> summary = (List<Object>) TestRedis.shared().command("XPENDING", stream, group);
        return (Long) summary.get(0);
    }

    static long xlen(String stream) {
        return (Long) TestRedis.shared().command("XLEN", stream);
    }

    /**
     * Waits until {@code stopper} (a thread stopping a binding or closing a context) is blocked in
     * {@link RedisStreamInboundChannelAdapter}'s {@code doStop}, joining its readers. The only wait
     * in {@code doStop} is that join, and the readers' stop flag is set before it, so from then on
     * a reader takes no further entry: a test can release a held handler knowing the stop was seen.
     */
    static void awaitJoiningReaders(Thread stopper) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> joiningReaders(stopper));
    }

    private static boolean joiningReaders(Thread thread) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(RedisStreamInboundChannelAdapter.class.getName())
                    && frame.getMethodName().equals("doStop")) {
                return true;
            }
        }
        return false;
    }
}
