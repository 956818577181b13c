package dev.lto.stream.binder.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 messages; the consumer application is closed mid-stream (its handler is held on message
 * 2,001 until the close has begun, so "mid-stream" is exact, not a race against a slow handler)
 * and a new one with the same group takes over: every message id arrives at least once. The
 * duplicate count is reported in the test output and in {@code target/durability-report.txt}.
 */
@ExtendWith(TestRedisExtension.class)
class DurabilityTest {

    static final int MESSAGES = 10_000;
    static final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    static final AtomicLong deliveries = new AtomicLong();
    /** Deliveries the first consumer completes before its next one is held. */
    static final int HELD_AFTER = 2_000;
    /** While set, the delivery after {@link #HELD_AFTER} waits on it. */
    static volatile CountDownLatch gate;
    static final CountDownLatch held = new CountDownLatch(1);

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> ingest() {
            return m -> {
                CountDownLatch g = gate;
                if (g != null && deliveries.get() == HELD_AFTER) { // one reader: no concurrent calls
                    held.countDown();
                    try {
                        if (!g.await(5, TimeUnit.MINUTES)) {
                            throw new IllegalStateException("test never released the held message");
                        }
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(ex);
                    }
                }
                int id = (Integer) m.getHeaders().get("msgId");
                seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                deliveries.incrementAndGet();
            };
        }
    }

    private static ConfigurableApplicationContext consumerApp() {
        return TestApps.run(App.class,
                "spring.cloud.function.definition=ingest",
                "spring.cloud.stream.output-bindings=feed",
                "spring.cloud.stream.bindings.feed.destination=du.events",
                "spring.cloud.stream.bindings.ingest-in-0.destination=du.events",
                "spring.cloud.stream.bindings.ingest-in-0.group=durable",
                "spring.cloud.stream.redis.bindings.ingest-in-0.consumer.batch-size=100",
                "spring.cloud.stream.redis.bindings.ingest-in-0.consumer.min-idle-time=2s",
                "spring.cloud.stream.redis.bindings.ingest-in-0.consumer.reclaim-interval=500ms",
                // only the held message's release may end the close, never the interrupt
                "spring.cloud.stream.redis.binder.shutdown-timeout=5m");
    }

    @Test
    void noMessageIsLostWhenTheConsumerIsReplacedMidStream() throws Exception {
        gate = new CountDownLatch(1);
        ConfigurableApplicationContext first = consumerApp();
        StreamBridge bridge = first.getBean(StreamBridge.class);
        ForkJoinPool publishers = new ForkJoinPool(4);
        try {
            publishers.submit(() -> IntStream.range(0, MESSAGES).parallel().forEach(i -> assertThat(
                    bridge.send("feed", MessageBuilder.withPayload(("event-" + i).getBytes()).setHeader("msgId", i).build())).isTrue()))
                    .get();
        }
        finally {
            publishers.shutdown();
        }
        assertThat(held.await(2, TimeUnit.MINUTES)).as("first consumer reached message " + (HELD_AFTER + 1)).isTrue();
        assertThat(seen).hasSize(HELD_AFTER);

        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        Thread closer = new Thread(() -> {
            try {
                first.close();
            }
            catch (Throwable ex) {
                closeFailure.set(ex);
            }
        }, "du-closer");
        closer.start();
        TestApps.awaitJoiningReaders(closer); // the reader will take no further entry
        gate.countDown();
        gate = null;
        closer.join(Duration.ofMinutes(2));
        assertThat(closer.isAlive()).isFalse();
        assertThat(closeFailure.get()).isNull();
        int seenByFirst = seen.size();
        assertThat(seenByFirst).as("closed mid-stream: the held message finished, nothing after it").isEqualTo(HELD_AFTER + 1);
        long pendingAfterClose = TestApps.pending("du.events", "durable");

        ConfigurableApplicationContext second = consumerApp();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == MESSAGES);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("du.events", "durable") == 0);
        }
        finally {
            second.close();
        }
        long duplicates = deliveries.get() - MESSAGES;
        String report = "durability: messages=" + MESSAGES + " processedBeforeClose=" + seenByFirst
                + " pendingAfterClose=" + pendingAfterClose + " lost=" + (MESSAGES - seen.size())
                + " duplicates=" + duplicates + " (at-least-once; duplicates only from entries in flight at close)";
        System.out.println(report);
        Files.writeString(Path.of("target", "durability-report.txt"), report + System.lineSeparator());
        assertThat(seen).hasSize(MESSAGES);
        assertThat(seen.values()).allSatisfy(c -> assertThat(c.get()).isPositive());
    }
}
