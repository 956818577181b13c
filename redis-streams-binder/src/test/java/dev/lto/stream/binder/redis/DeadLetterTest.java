package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler exception leaves the entry pending; it is redelivered (XAUTOCLAIM after
 * min-idle-time) and, after max-deliveries failed deliveries, written to {@code <stream>.dlq}
 * and acknowledged. Spring Cloud Stream's in-process retry runs inside each delivery.
 */
@ExtendWith(TestRedisExtension.class)
class DeadLetterTest {

    static final AtomicInteger poisonCalls = new AtomicInteger();
    static final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();
    static final List<Long> flakySuccessDeliveryCounts = new CopyOnWriteArrayList<>();
    /** Counted down when a second delivery of a flaky entry has begun. */
    static final CountDownLatch redeliveryStarted = new CountDownLatch(1);
    /** Holds second deliveries until the test has looked at the pending list. */
    static final CountDownLatch redeliveriesMayFinish = new CountDownLatch(1);

    static ConfigurableApplicationContext app;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> poison() {
            return m -> {
                poisonCalls.incrementAndGet();
                throw new IllegalStateException("cannot handle " + new String(m.getPayload()));
            };
        }

        /** Fails the first delivery of every entry; the second waits for the test, then succeeds. */
        @Bean
        Consumer<Message<byte[]>> flaky() {
            return m -> {
                String id = (String) m.getHeaders().get(RedisStreamHeaders.STREAM_MESSAGE_ID);
                if (flakyCalls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    throw new IllegalArgumentException("first delivery fails");
                }
                redeliveryStarted.countDown();
                try {
                    if (!redeliveriesMayFinish.await(5, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("test never released the redeliveries");
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
                flakySuccessDeliveryCounts.add((Long) m.getHeaders().get(RedisStreamHeaders.DELIVERY_COUNT));
            };
        }
    }

    @BeforeAll
    static void start() {
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=poison;flaky",
                "spring.cloud.stream.bindings.poison-in-0.destination=dl.orders",
                "spring.cloud.stream.bindings.poison-in-0.group=billing",
                "spring.cloud.stream.bindings.poison-in-0.consumer.max-attempts=2",
                "spring.cloud.stream.bindings.poison-in-0.consumer.back-off-initial-interval=10",
                "spring.cloud.stream.bindings.flaky-in-0.destination=dl.flaky",
                "spring.cloud.stream.bindings.flaky-in-0.group=g",
                "spring.cloud.stream.bindings.flaky-in-0.consumer.max-attempts=1",
                "spring.cloud.stream.redis.default.consumer.min-idle-time=500ms",
                "spring.cloud.stream.redis.default.consumer.reclaim-interval=200ms",
                "spring.cloud.stream.redis.bindings.poison-in-0.consumer.max-deliveries=3");
    }

    @AfterAll
    static void stop() {
        redeliveriesMayFinish.countDown();
        if (app != null) {
            app.close();
        }
    }

    @Test
    void alwaysFailingEntryLandsInDeadLetterStreamAndIsAcked(TestRedis redis) {
        String id = (String) redis.command("XADD", "dl.orders", "*", "payload", "order-7", "contentType", "text/plain", "tenant", "t1");

        await().atMost(Duration.ofSeconds(30)).until(() -> TestApps.xlen("dl.orders.dlq") == 1);
        Map<String, String> dead = TestApps.xrange("dl.orders.dlq").getFirst().getValue();
        assertThat(dead).containsEntry("payload", "order-7").containsEntry("contentType", "text/plain").containsEntry("tenant", "t1")
                .containsEntry("x-exception-message", "cannot handle order-7")
                .containsEntry("x-exception-class", IllegalStateException.class.getName())
                .containsEntry("x-original-id", id).containsEntry("x-original-stream", "dl.orders")
                .containsEntry("x-group", "billing").containsEntry("x-deliveries", "3")
                .containsKey("x-exception-stacktrace");
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("dl.orders", "billing") == 0);
        // 3 deliveries x 2 in-process attempts
        assertThat(poisonCalls.get()).isEqualTo(6);
        assertThat(app.getBean(RedisStreamInspector.class).status("dl.orders", "billing").deadLetterLength()).isEqualTo(1);
    }

    @Test
    void failedEntryStaysPendingAndIsRedelivered(TestRedis redis) {
        // All five in one atomic step, so one read batch takes them all and every first delivery has
        // failed before the reader (which also runs the reclaim) can start a redelivery.
        redis.command("EVAL", "for i = 0, 4 do redis.call('XADD', KEYS[1], '*', 'payload', 'm' .. i) end", "1", "dl.flaky");
        // A redelivery has begun (XAUTOCLAIM found the failed entries idle in the pending list) and
        // is held, so nothing has been acknowledged since the failures: every entry is pending now.
        await().atMost(Duration.ofSeconds(30)).until(() -> redeliveryStarted.getCount() == 0);
        assertThat(flakyCalls).hasSize(5);
        assertThat(TestApps.pending("dl.flaky", "g")).as("failed entries are not acked").isEqualTo(5);
        redeliveriesMayFinish.countDown();

        await().atMost(Duration.ofSeconds(30)).until(() -> flakySuccessDeliveryCounts.size() == 5);
        assertThat(flakySuccessDeliveryCounts).containsOnly(2L);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("dl.flaky", "g") == 0);
        assertThat(TestApps.xlen("dl.flaky.dlq")).isZero();
    }
}
