package dev.lto.stream.binder.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
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
 * 10,000 messages; the consumer application is closed mid-stream and a new one with the same
 * group takes over: every message id arrives at least once. The duplicate count is reported in
 * the test output and in {@code target/durability-report.txt}.
 */
@ExtendWith(TestRedisExtension.class)
class DurabilityTest {

    static final int MESSAGES = 10_000;
    static final Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
    static final AtomicLong deliveries = new AtomicLong();
    static volatile long handlerDelayNanos;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> ingest() {
            return m -> {
                long delay = handlerDelayNanos;
                if (delay > 0) {
                    long until = System.nanoTime() + delay;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
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
                "spring.cloud.stream.redis.bindings.ingest-in-0.consumer.reclaim-interval=500ms");
    }

    @Test
    void noMessageIsLostWhenTheConsumerIsReplacedMidStream() throws Exception {
        handlerDelayNanos = Duration.ofMillis(1).toNanos(); // first consumer is slow, so it is closed mid-stream
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
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 2_000);
        first.close();
        int seenByFirst = seen.size();
        assertThat(seenByFirst).as("closed mid-stream").isLessThan(MESSAGES);
        long pendingAfterClose = TestApps.pending("du.events", "durable");

        handlerDelayNanos = 0;
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
