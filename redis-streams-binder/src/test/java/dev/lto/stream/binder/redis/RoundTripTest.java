package dev.lto.stream.binder.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Message format round trip (StreamBridge -> XADD -> XREADGROUP -> Consumer), a Function binding,
 * explicit input/output bindings used through their channels, approximate MAXLEN trimming, concurrency consumer names, entries written by other tools, and the
 * inspector / health / gauges of the bound groups.
 */
@ExtendWith(TestRedisExtension.class)
class RoundTripTest {

    static final BlockingQueue<Message<byte[]>> received = new LinkedBlockingQueue<>();

    static ConfigurableApplicationContext app;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> sink() {
            return received::add;
        }

        @Bean
        Function<Message<byte[]>, Message<byte[]>> upper() {
            return m -> MessageBuilder.withPayload(new String(m.getPayload(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8))
                    .copyHeaders(m.getHeaders()).setHeader("stage", "upper").build();
        }
    }

    @BeforeAll
    static void start(TestRedis redis) {
        // written by another tool before the group exists: the new group starts at 0 and sees it
        redis.command("XADD", "rt.in", "*", "origin", "redis-cli");
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=sink;upper",
                "spring.cloud.stream.output-bindings=pub;trimmed;rawOut",
                // explicit bindings used through their channels (no function): docs "Throughput: which way in"
                "spring.cloud.stream.input-bindings=rawIn",
                "spring.cloud.stream.bindings.rawOut.destination=rt.raw",
                "spring.cloud.stream.bindings.rawIn.destination=rt.raw",
                "spring.cloud.stream.bindings.rawIn.group=raw-group",
                "spring.cloud.stream.bindings.pub.destination=rt.in",
                "spring.cloud.stream.bindings.trimmed.destination=rt.trimmed",
                "spring.cloud.stream.redis.bindings.trimmed.producer.max-length=10",
                "spring.cloud.stream.bindings.sink-in-0.destination=rt.in",
                "spring.cloud.stream.bindings.sink-in-0.group=rt-group",
                "spring.cloud.stream.bindings.sink-in-0.consumer.concurrency=2",
                "spring.cloud.stream.bindings.upper-in-0.destination=rt.fn.in",
                "spring.cloud.stream.bindings.upper-in-0.group=upper-group",
                "spring.cloud.stream.bindings.upper-out-0.destination=rt.fn.out",
                "spring.cloud.stream.redis.binder.consumer-name=rt-app",
                "spring.cloud.stream.redis.binder.metrics-refresh=100ms");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void payloadAndHeadersRoundTripExactly() throws Exception {
        Message<byte[]> foreign = received.poll(10, TimeUnit.SECONDS);
        assertThat(foreign).as("entry XADDed by redis-cli before the group existed").isNotNull();
        assertThat(foreign.getHeaders()).containsEntry("origin", "redis-cli");
        assertThat(foreign.getPayload()).isEmpty();

        byte[] payload = "{\"job\":\"j-1\",\"bytes\":\"\u00e9\u00df\"}".getBytes(StandardCharsets.UTF_8);
        StreamBridge bridge = app.getBean(StreamBridge.class);
        boolean sent = bridge.send("pub", MessageBuilder.withPayload(payload)
                .setHeader("contentType", "application/json")
                .setHeader("eventId", "e-123").setHeader("attempt", 3).setHeader("score", 0.75d).setHeader("seq", 9_000_000_000L)
                .setHeader("flag", true).build());
        assertThat(sent).isTrue();

        Message<byte[]> got = received.poll(10, TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.getPayload()).isEqualTo(payload);
        // Spring Cloud Stream turns the contentType String into a MimeType on the way in
        assertThat(String.valueOf(got.getHeaders().get("contentType"))).isEqualTo("application/json");
        assertThat(got.getHeaders()).containsEntry("eventId", "e-123")
                .containsEntry("attempt", 3).containsEntry("score", 0.75d).containsEntry("seq", 9_000_000_000L)
                .containsEntry("flag", true).containsEntry(RedisStreamHeaders.STREAM_KEY, "rt.in")
                .containsEntry(RedisStreamHeaders.CONSUMER_GROUP, "rt-group").containsEntry(RedisStreamHeaders.DELIVERY_COUNT, 1L)
                .containsKey(RedisStreamHeaders.STREAM_MESSAGE_ID);
        assertThat((String) got.getHeaders().get(RedisStreamHeaders.CONSUMER)).isIn("rt-app-0", "rt-app-1");

        // stored as plain entry fields
        Map<String, String> fields = TestApps.xrange("rt.in").getLast().getValue();
        assertThat(fields).containsEntry("payload", new String(payload, StandardCharsets.UTF_8))
                .containsEntry("eventId", "e-123").containsEntry("attempt", "3").containsEntry("contentType", "application/json");

        await().atMost(Duration.ofSeconds(5)).until(() -> TestApps.pending("rt.in", "rt-group") == 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void concurrencyGivesEachReaderItsOwnConsumerName(TestRedis redis) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<Object> consumers = (List<Object>) redis.command("XINFO", "CONSUMERS", "rt.in", "rt-group");
            assertThat(consumers).extracting(c -> TestApps.fields((List<Object>) c).get("name"))
                    .containsExactlyInAnyOrder("rt-app-0", "rt-app-1");
        });
    }

    @Test
    void functionBindingConsumesAndPublishes(TestRedis redis) {
        redis.command("XADD", "rt.fn.in", "*", "payload", "hello", "contentType", "text/plain", "k", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.xlen("rt.fn.out") == 1);
        Map<String, String> out = TestApps.xrange("rt.fn.out").getFirst().getValue();
        assertThat(out).containsEntry("payload", "HELLO").containsEntry("k", "v").containsEntry("stage", "upper")
                .doesNotContainKeys("redis_streamMessageId", "redis_consumerGroup");
    }

    @Test
    void explicitBindingsCarryMessagesThroughTheirChannelsAndAckOnlyAfterTheHandlerReturns() {
        List<Message<?>> got = new CopyOnWriteArrayList<>();
        MessageHandler handler = m -> {
            if ("fail".equals(new String((byte[]) m.getPayload(), StandardCharsets.UTF_8))) {
                throw new IllegalStateException("handler refused it");
            }
            got.add(m);
        };
        SubscribableChannel in = app.getBean("rawIn", SubscribableChannel.class);
        in.subscribe(handler);
        try {
            MessageChannel out = app.getBean("rawOut", MessageChannel.class);
            assertThat(out.send(MessageBuilder.withPayload("one".getBytes(StandardCharsets.UTF_8)).setHeader("n", 1).build())).isTrue();
            assertThat(out.send(MessageBuilder.withPayload("fail".getBytes(StandardCharsets.UTF_8)).build())).isTrue();
            assertThat(out.send(MessageBuilder.withPayload("two".getBytes(StandardCharsets.UTF_8)).build())).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
            assertThat(got).extracting(m -> new String((byte[]) m.getPayload(), StandardCharsets.UTF_8)).containsExactly("one", "two");
            assertThat(got.getFirst().getHeaders()).containsEntry("n", 1).containsKey(RedisStreamHeaders.STREAM_MESSAGE_ID);
            // the failed entry is the only one left unacknowledged (redelivery after min-idle-time: DeadLetterTest)
            await().atMost(Duration.ofSeconds(5)).until(() -> TestApps.pending("rt.raw", "raw-group") == 1);
        }
        finally {
            in.unsubscribe(handler);
        }
    }

    @Test
    void producerTrimsApproximatelyToMaxLength() {
        StreamBridge bridge = app.getBean(StreamBridge.class);
        for (int i = 0; i < 400; i++) {
            bridge.send("trimmed", MessageBuilder.withPayload(("m" + i).getBytes()).build());
        }
        long len = TestApps.xlen("rt.trimmed");
        assertThat(len).as("MAXLEN ~ 10 trims whole radix-tree nodes").isBetween(10L, 200L);
    }

    @Test
    void inspectorHealthAndGaugesReportBoundGroups(TestRedis redis) {
        redis.command("XADD", "rt.fn.in.dlq", "*", "payload", "x");
        RedisStreamInspector inspector = app.getBean(RedisStreamInspector.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<RedisStreamInspector.StreamGroupStatus> groups = inspector.boundGroups();
            assertThat(groups).extracting(RedisStreamInspector.StreamGroupStatus::group).contains("rt-group", "upper-group");
            RedisStreamInspector.StreamGroupStatus rt = inspector.status("rt.in", "rt-group");
            assertThat(rt.groupExists()).isTrue();
            assertThat(rt.length()).isPositive();
            assertThat(rt.pending()).isZero();
            assertThat(rt.lag()).isZero();
            assertThat(rt.consumers()).isEqualTo(2);
            assertThat(inspector.status("rt.fn.in", "upper-group").deadLetterLength()).isEqualTo(1);
        });
        assertThat(inspector.ping()).isTrue();
        assertThat(inspector.status("rt.none", "g").groupExists()).isFalse();

        HealthIndicator health = app.getBean("redisStreamBinder", HealthIndicator.class);
        Health h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat((Map<String, Object>) h.getDetails().get("groups")).containsKeys("rt.in/rt-group", "rt.fn.in/upper-group");

        MeterRegistry meters = app.getBean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(meters.get("redis.stream.pending").tags("stream", "rt.in", "group", "rt-group").gauge().value()).isZero();
            assertThat(meters.get("redis.stream.lag").tags("stream", "rt.in", "group", "rt-group").gauge().value()).isZero();
            assertThat(meters.get("redis.stream.length").tags("stream", "rt.in", "group", "rt-group").gauge().value()).isPositive();
            assertThat(meters.get("redis.stream.dlq.length").tags("stream", "rt.fn.in", "group", "upper-group").gauge().value())
                    .isEqualTo(1.0);
        });
    }
}
