package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.lettuce.core.AbstractRedisClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.messaging.Message;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis round trips per message and the binder's own Lettuce client: acknowledgements are
 * coalesced per read batch (a failing entry in the middle stays pending, the others are acked),
 * delivery counts of a claimed batch come from one XPENDING, and the binder's connections carry no
 * Lettuce command tracing unless {@code command-observation} is set.
 */
@ExtendWith(TestRedisExtension.class)
class RoundTripCostTest {

    static final Set<String> handled = ConcurrentHashMap.newKeySet();
    static final List<Long> deliveryCounts = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> work() {
            return m -> {
                String payload = new String(m.getPayload());
                handled.add(payload);
                deliveryCounts.add((Long) m.getHeaders().get(RedisStreamHeaders.DELIVERY_COUNT));
                if (payload.equals("m-40")) {
                    throw new IllegalStateException("m-40 fails");
                }
            };
        }
    }

    private ConfigurableApplicationContext app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
        handled.clear();
        deliveryCounts.clear();
    }

    @Test
    @SuppressWarnings("unchecked")
    void acksOfABatchAreCoalescedAndAFailedEntryInTheMiddleStaysPending(TestRedis redis) {
        redis.command("XGROUP", "CREATE", "rt.batch", "g", "0", "MKSTREAM");
        String failedId = null;
        for (int i = 0; i < 100; i++) {
            String id = (String) redis.command("XADD", "rt.batch", "*", "payload", "m-" + i);
            if (i == 40) {
                failedId = id;
            }
        }
        redis.command("CONFIG", "RESETSTAT");

        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.bindings.work-in-0.destination=rt.batch",
                "spring.cloud.stream.bindings.work-in-0.group=g",
                "spring.cloud.stream.bindings.work-in-0.consumer.max-attempts=1",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.batch-size=200",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.max-deliveries=0",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.min-idle-time=5m",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.reclaim-interval=5m");

        await().atMost(Duration.ofSeconds(15)).until(() -> handled.size() == 100);
        await().atMost(Duration.ofSeconds(5)).until(() -> TestApps.pending("rt.batch", "g") == 1);
        List<Object> pending = (List<Object>) redis.command("XPENDING", "rt.batch", "g", "-", "+", "10");
        assertThat(pending).hasSize(1);
        assertThat(((List<Object>) pending.getFirst()).getFirst()).as("only the failed entry is left unacknowledged")
                .isEqualTo(failedId);
        // 100 entries read in one XREADGROUP: XACKs of up to 64 ids, not one per message (the keeper
        // may flush a slow batch early, hence not exactly 2)
        assertThat(calls(redis, "xack")).isBetween(1L, 10L);
        assertThat(calls(redis, "xreadgroup")).isLessThan(20L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void deliveryCountsOfAClaimedBatchComeFromOneXpending(TestRedis redis) {
        redis.command("XGROUP", "CREATE", "rt.claim", "g", "0", "MKSTREAM");
        for (int i = 0; i < 30; i++) {
            redis.command("XADD", "rt.claim", "*", "payload", "c-" + i);
        }
        List<Object> read = (List<Object>) redis.command("XREADGROUP", "GROUP", "g", "dead", "COUNT", "30", "STREAMS", "rt.claim", ">");
        assertThat((List<Object>) ((List<Object>) read.getFirst()).get(1)).hasSize(30);
        redis.command("CONFIG", "RESETSTAT");

        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.bindings.work-in-0.destination=rt.claim",
                "spring.cloud.stream.bindings.work-in-0.group=g",
                "spring.cloud.stream.redis.binder.consumer-name=alive",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.batch-size=50",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.min-idle-time=500ms",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.reclaim-interval=200ms");

        await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 30);
        // Watched with XINFO GROUPS, not XPENDING, so that the test's own polling is not counted below.
        await().atMost(Duration.ofSeconds(10)).until(() -> groupPending(redis, "rt.claim", "g") == 0);
        assertThat(deliveryCounts).hasSize(30).containsOnly(2L);
        // Exactly one XPENDING for the claimed batch of 30 (a lookup per entry would be 30 or 31);
        // the own-pending re-read at start found nothing, so it needed none.
        assertThat(calls(redis, "xpending")).isEqualTo(1L);
    }

    @Test
    void binderConnectionsComeFromItsOwnClientWithoutCommandTracing() {
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.output-bindings=out",
                "spring.cloud.stream.bindings.out.destination=rt.own",
                "spring.cloud.stream.bindings.work-in-0.destination=rt.own",
                "spring.cloud.stream.bindings.work-in-0.group=g");
        app.getBean(StreamBridge.class).send("out", "hello".getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("hello"));

        RedisStreamConnections connections = app.getBean(RedisStreamConnections.class);
        AbstractRedisClient application = app.getBean(LettuceConnectionFactory.class).getRequiredNativeClient();
        AbstractRedisClient binder = connections.client();
        assertThat(connections.usesOwnClient()).isTrue();
        assertThat(binder).isNotSameAs(application);
        // actuator + micrometer on the test classpath: Spring Boot traces the application's commands
        assertThat(application.getResources().tracing().isEnabled()).isTrue();
        assertThat(binder.getResources().tracing().isEnabled()).isFalse();
        assertThat(binder.getResources().commandLatencyRecorder().isEnabled()).isFalse();
        assertThat(binder.getOptions().getTimeoutOptions().isTimeoutCommands()).isFalse();
        // same event loops
        assertThat(binder.getResources().eventLoopGroupProvider()).isSameAs(application.getResources().eventLoopGroupProvider());
    }

    @Test
    void commandObservationUsesTheApplicationsClient() {
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.redis.binder.command-observation=true",
                "spring.cloud.stream.output-bindings=out",
                "spring.cloud.stream.bindings.out.destination=rt.app",
                "spring.cloud.stream.bindings.work-in-0.destination=rt.app",
                "spring.cloud.stream.bindings.work-in-0.group=g");
        app.getBean(StreamBridge.class).send("out", "traced".getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("traced"));

        RedisStreamConnections connections = app.getBean(RedisStreamConnections.class);
        assertThat(connections.usesOwnClient()).isFalse();
        assertThat(connections.client()).isSameAs(app.getBean(LettuceConnectionFactory.class).getRequiredNativeClient());
    }

    /** A group's pending count from XINFO GROUPS (not XPENDING, whose calls the tests count). */
    @SuppressWarnings("unchecked")
    private static long groupPending(TestRedis redis, String stream, String group) {
        for (Object g : (List<Object>) redis.command("XINFO", "GROUPS", stream)) {
            var fields = TestApps.fields((List<Object>) g);
            if (group.equals(fields.get("name"))) {
                return Long.parseLong(fields.get("pending"));
            }
        }
        throw new AssertionError("no group " + group + " on " + stream);
    }

    /** Calls of a command since the last CONFIG RESETSTAT (INFO commandstats). */
    private static long calls(TestRedis redis, String command) {
        String info = String.valueOf(redis.command("INFO", "commandstats"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }
}
