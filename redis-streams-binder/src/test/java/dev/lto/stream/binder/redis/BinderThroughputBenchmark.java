package dev.lto.stream.binder.redis;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

import dev.lto.testsupport.TestRedis;

/**
 * Binder throughput for 1 KB messages: N messages published by P threads (each send waits for its
 * XADD), consumed by one binding (XREADGROUP + handler + XACK); the clock stops when every message
 * was handled and the group has nothing pending.
 *
 * <p>Two ways into the same binder, measured in the same run: {@code functions} (the programming
 * model our services use: {@code StreamBridge.send} and a {@code Consumer<Message<byte[]>>} bean,
 * i.e. Spring Cloud Function's per-message invocation and conversion on both sides) and
 * {@code channels} (explicit bindings, {@code spring.cloud.stream.output-bindings} /
 * {@code input-bindings}: the application sends to the bound output channel and subscribes a
 * handler to the bound input channel, so what is timed is the binder and Spring Integration's
 * channel, without Spring Cloud Function).
 *
 * <p>Not part of the normal test run (tag {@code benchmark}); run it with
 * {@code redis-streams-binder/bench/run-benchmark.sh}, which also measures raw XADD with
 * redis-benchmark on the same redis-server. System properties: {@code bench.redis.port}
 * (default: the test JVM's own redis-server), {@code bench.messages} (200000),
 * {@code bench.publishers} (comma list, "1,16"), {@code bench.batch-size} (200),
 * {@code bench.concurrency} (1), {@code bench.modes} ("functions,channels").
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
        List<String> modes = Arrays.stream(System.getProperty("bench.modes", "functions,channels").split(","))
                .map(String::trim).toList();
        byte[] payload = new byte[1024];
        Arrays.fill(payload, (byte) 'x');

        ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class).properties(
                "spring.data.redis.host=" + host, "spring.data.redis.port=" + port,
                "spring.main.web-application-type=none", "spring.main.banner-mode=off",
                "logging.level.root=WARN",
                "spring.cloud.function.definition=sink",
                "spring.cloud.stream.bindings.pub.destination=bench.binder",
                // opaque bytes: no JSON detection by Spring Cloud Stream's converters on either side
                "spring.cloud.stream.bindings.pub.content-type=application/octet-stream",
                "spring.cloud.stream.bindings.sink-in-0.content-type=application/octet-stream",
                "spring.cloud.stream.redis.bindings.pub.producer.max-length=0",
                "spring.cloud.stream.bindings.sink-in-0.destination=bench.binder",
                "spring.cloud.stream.bindings.sink-in-0.group=bench",
                "spring.cloud.stream.bindings.sink-in-0.consumer.concurrency=" + concurrency,
                "spring.cloud.stream.redis.bindings.sink-in-0.consumer.batch-size=" + batchSize,
                // the same binder through explicit bindings and their channels (no Spring Cloud Function)
                "spring.cloud.stream.output-bindings=pub;rawout",
                "spring.cloud.stream.input-bindings=rawin",
                "spring.cloud.stream.bindings.rawout.destination=bench.channels",
                "spring.cloud.stream.bindings.rawout.content-type=application/octet-stream",
                "spring.cloud.stream.redis.bindings.rawout.producer.max-length=0",
                "spring.cloud.stream.bindings.rawin.destination=bench.channels",
                "spring.cloud.stream.bindings.rawin.content-type=application/octet-stream",
                "spring.cloud.stream.bindings.rawin.group=bench",
                "spring.cloud.stream.bindings.rawin.consumer.concurrency=" + concurrency,
                "spring.cloud.stream.redis.bindings.rawin.consumer.batch-size=" + batchSize).run();
        List<String> lines = new ArrayList<>();
        try {
            StreamBridge bridge = app.getBean(StreamBridge.class);
            RedisStreamInspector inspector = app.getBean(RedisStreamInspector.class);
            MessageChannel rawOut = app.getBean("rawout", MessageChannel.class);
            app.getBean("rawin", SubscribableChannel.class).subscribe(m -> consumed.incrementAndGet());
            Map<String, Mode> byName = Map.of(
                    "functions", new Mode("bench.binder", m -> bridge.send("pub", m)),
                    "channels", new Mode("bench.channels", rawOut::send));
            for (String name : modes) {
                Mode mode = byName.get(name);
                if (mode == null) {
                    throw new IllegalArgumentException("bench.modes: unknown mode " + name + " (functions, channels)");
                }
                // warm-up (JIT, connections)
                run(mode, inspector, Math.min(20_000, messages), 4, payload);
                for (int publishers : publisherCounts) {
                    trim(app, mode.stream());
                    Result r = run(mode, inspector, messages, publishers, payload);
                    String line = String.format(Locale.ROOT,
                            "binder mode=%s publishers=%d messages=%d size=1024 batch-size=%d concurrency=%d publish_rate=%.0f msg/s end_to_end_rate=%.0f msg/s (publish %.2fs, all consumed+acked %.2fs) jvm_cpu=%.0f us/msg",
                            name, publishers, messages, batchSize, concurrency, r.publishRate(), r.endToEndRate(), r.publishSeconds,
                            r.totalSeconds, r.cpuMicrosPerMessage());
                    System.out.println(line);
                    String key = name + ".publishers." + publishers;
                    lines.add(key + ".publish_rate=" + Math.round(r.publishRate()));
                    lines.add(key + ".end_to_end_rate=" + Math.round(r.endToEndRate()));
                    lines.add(key + ".jvm_cpu_us_per_message=" + Math.round(r.cpuMicrosPerMessage()));
                    lines.add(key + ".line=" + line);
                }
                trim(app, mode.stream());
            }
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

    /** How a mode publishes (returns what {@code MessageChannel.send} returns) and the stream it uses. */
    private record Mode(String stream, Predicate<Message<byte[]>> send) {
    }

    private static Result run(Mode mode, RedisStreamInspector inspector, int messages, int publishers, byte[] payload)
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
                    if (!mode.send().test(MessageBuilder.withPayload(payload).setHeader("contentType", "application/octet-stream").build())) {
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
        while (inspector.status(mode.stream(), "bench").pending() > 0) {
            Thread.sleep(1);
        }
        long tDone = System.nanoTime();
        long cpu = processCpuNanos() - cpu0;
        return new Result(messages, (tPublished - t0) / 1e9, (tDone - t0) / 1e9, cpu / 1e3 / messages);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void trim(ConfigurableApplicationContext app, String stream) {
        RedisStreamConnections c = app.getBean(RedisStreamConnections.class);
        RedisStreamConnections.await(c.shared().xtrim(stream.getBytes(), 0), Duration.ofSeconds(10), "XTRIM");
    }
}
