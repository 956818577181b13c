package dev.lto.stream.binder.redis;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import dev.lto.testsupport.TestRedis;

/**
 * Binder throughput for 1 KB messages: N messages published through StreamBridge by P threads
 * (each send waits for its XADD), consumed by one binding (XREADGROUP + handler + XACK); the
 * clock stops when every message was handled and the group has nothing pending.
 *
 * <p>Not part of the normal test run (tag {@code benchmark}); run it with
 * {@code redis-streams-binder/bench/run-benchmark.sh}, which also measures raw XADD with
 * redis-benchmark on the same redis-server. System properties: {@code bench.redis.port}
 * (default: the test JVM's own redis-server), {@code bench.messages} (200000),
 * {@code bench.publishers} (comma list, "1,16"), {@code bench.batch-size} (200),
 * {@code bench.concurrency} (1).
 */
@Tag("benchmark")
class BinderThroughputBenchmark {

    static final AtomicLong consumed = new AtomicLong();

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> sink() {
            return m -> consumed.incrementAndGet();
        }
    }

    @Test
    void publishConsumeAck() throws Exception {
        String host = "127.0.0.1";
        int port;
        String portProperty = System.getProperty("bench.redis.port");
        if (portProperty != null && !portProperty.isBlank()) {
            port = Integer.parseInt(portProperty);
        }
        else {
            TestRedis redis = TestRedis.shared();
            host = redis.host();
            port = redis.port();
        }
        int messages = Integer.getInteger("bench.messages", 200_000);
        List<Integer> publisherCounts = Arrays.stream(System.getProperty("bench.publishers", "1,16").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        int batchSize = Integer.getInteger("bench.batch-size", 200);
        int concurrency = Integer.getInteger("bench.concurrency", 1);
        byte[] payload = new byte[1024];
        Arrays.fill(payload, (byte) 'x');

        ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).properties(
                "spring.data.redis.host=" + host, "spring.data.redis.port=" + port,
                "spring.main.web-application-type=none", "spring.main.banner-mode=off",
                "logging.level.root=WARN",
                "spring.cloud.function.definition=sink",
                "spring.cloud.stream.output-bindings=pub",
                "spring.cloud.stream.bindings.pub.destination=bench.binder",
                // opaque bytes: no JSON detection by Spring Cloud Stream's converters on either side
                "spring.cloud.stream.bindings.pub.content-type=application/octet-stream",
                "spring.cloud.stream.bindings.sink-in-0.content-type=application/octet-stream",
                "spring.cloud.stream.redis.bindings.pub.producer.max-length=0",
                "spring.cloud.stream.bindings.sink-in-0.destination=bench.binder",
                "spring.cloud.stream.bindings.sink-in-0.group=bench",
                "spring.cloud.stream.bindings.sink-in-0.consumer.concurrency=" + concurrency,
                "spring.cloud.stream.redis.bindings.sink-in-0.consumer.batch-size=" + batchSize).run();
        List<String> lines = new ArrayList<>();
        try {
            StreamBridge bridge = app.getBean(StreamBridge.class);
            RedisStreamInspector inspector = app.getBean(RedisStreamInspector.class);
            // warm-up (JIT, connections)
            run(bridge, inspector, Math.min(20_000, messages), 4, payload);
            for (int publishers : publisherCounts) {
                trim(app);
                Result r = run(bridge, inspector, messages, publishers, payload);
                String line = String.format(Locale.ROOT,
                        "binder publishers=%d messages=%d size=1024 batch-size=%d concurrency=%d publish_rate=%.0f msg/s end_to_end_rate=%.0f msg/s (publish %.2fs, all consumed+acked %.2fs) jvm_cpu=%.0f us/msg",
                        publishers, messages, batchSize, concurrency, r.publishRate(), r.endToEndRate(), r.publishSeconds, r.totalSeconds,
                        r.cpuMicrosPerMessage());
                System.out.println(line);
                lines.add("publishers." + publishers + ".publish_rate=" + Math.round(r.publishRate()));
                lines.add("publishers." + publishers + ".end_to_end_rate=" + Math.round(r.endToEndRate()));
                lines.add("publishers." + publishers + ".jvm_cpu_us_per_message=" + Math.round(r.cpuMicrosPerMessage()));
                lines.add("publishers." + publishers + ".line=" + line);
            }
            trim(app);
        }
        finally {
            app.close();
        }
        Files.write(Path.of("target", "benchmark-result.properties"), lines);
    }

    /**
     * @param cpuMicrosPerMessage CPU time of this whole JVM (all threads: publishers, reader,
     *        Lettuce event loops, GC, JIT) per message, from the OS; unlike the rates it barely
     *        moves with other load on a shared machine
     */
    private record Result(int messages, double publishSeconds, double totalSeconds, double cpuMicrosPerMessage) {

        double publishRate() {
            return messages / publishSeconds;
        }

        double endToEndRate() {
            return messages / totalSeconds;
        }
    }

    private static Result run(StreamBridge bridge, RedisStreamInspector inspector, int messages, int publishers, byte[] payload)
            throws Exception {
        consumed.set(0);
        long cpu0 = processCpuNanos();
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int share = messages / publishers + (p < messages % publishers ? 1 : 0);
            futures.add(pool.submit(() -> {
                for (int i = 0; i < share; i++) {
                    if (!bridge.send("pub", MessageBuilder.withPayload(payload).setHeader("contentType", "application/octet-stream").build())) {
                        throw new IllegalStateException("send returned false");
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long tPublished = System.nanoTime();
        pool.shutdown();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (consumed.get() < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + consumed.get() + " of " + messages + " consumed");
            }
            Thread.sleep(1);
        }
        while (inspector.status("bench.binder", "bench").pending() > 0) {
            Thread.sleep(1);
        }
        long tDone = System.nanoTime();
        long cpu = processCpuNanos() - cpu0;
        return new Result(messages, (tPublished - t0) / 1e9, (tDone - t0) / 1e9, cpu / 1e3 / messages);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void trim(ConfigurableApplicationContext app) {
        RedisStreamConnections c = app.getBean(RedisStreamConnections.class);
        RedisStreamConnections.await(c.shared().xtrim("bench.binder".getBytes(), 0), Duration.ofSeconds(10), "XTRIM");
    }
}
