package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An entry a consumer read but had not acknowledged when it died, trimmed from the stream before
 * the consumer came back: its message is lost, and the binder says so with a WARN naming the entry
 * (and acknowledges it, so it does not sit in the pending list for ever). The surviving entry of
 * the same pending batch is processed normally.
 */
@ExtendWith({TestRedisExtension.class, OutputCaptureExtension.class})
class TrimmedEntryTest {

    static final List<String> handled = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> work() {
            return m -> handled.add(new String(m.getPayload()));
        }
    }

    private ConfigurableApplicationContext app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
        handled.clear();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPendingEntryTrimmedBeforeItWasProcessedIsReportedWithAWarn(TestRedis redis, CapturedOutput output) {
        redis.command("XGROUP", "CREATE", "tr.jobs", "g", "0", "MKSTREAM");
        String first = (String) redis.command("XADD", "tr.jobs", "*", "payload", "a");
        String second = (String) redis.command("XADD", "tr.jobs", "*", "payload", "b");
        redis.command("XADD", "tr.jobs", "*", "payload", "c");
        // Consumer "crashed" reads all three and dies before acknowledging; then the stream is
        // trimmed (exact MAXLEN 1) past the first two, as a too-small producer max-length would.
        List<Object> read = (List<Object>) redis.command("XREADGROUP", "GROUP", "g", "crashed", "COUNT", "10", "STREAMS", "tr.jobs", ">");
        assertThat((List<Object>) ((List<Object>) read.getFirst()).get(1)).hasSize(3);
        assertThat(redis.command("XTRIM", "tr.jobs", "MAXLEN", "1")).isEqualTo(2L);
        assertThat(TestApps.pending("tr.jobs", "g")).as("precondition: the trimmed entries are still pending").isEqualTo(3);

        // The consumer restarts under its name and re-reads its own pending entries first.
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.bindings.work-in-0.destination=tr.jobs",
                "spring.cloud.stream.bindings.work-in-0.group=g",
                "spring.cloud.stream.redis.binder.consumer-name=crashed",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.min-idle-time=5m");

        await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("tr.jobs", "g") == 0);
        assertThat(handled).as("only the surviving entry reaches the handler").containsExactly("c");
        for (String lost : List.of(first, second)) {
            assertThat(output.getAll().lines()
                    .filter(line -> line.contains(" WARN ") && line.contains("Entry " + lost + " of tr.jobs/g was trimmed or deleted "
                            + "before it was processed; its message is lost")))
                    .as("WARN for lost entry %s", lost).hasSize(1);
        }
    }

    /**
     * The limit the README states: a trimmed entry of <em>another</em> consumer, met by XAUTOCLAIM,
     * is dropped from the pending list by Redis (≥ 7) and its id is not returned by Lettuce, so the
     * binder cannot name it. What it must still do: process the survivors and leave nothing pending.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aTrimmedEntryOfADeadConsumerIsDroppedOnReclaimWithoutAWarn(TestRedis redis, CapturedOutput output) {
        redis.command("XGROUP", "CREATE", "tr.claim", "g", "0", "MKSTREAM");
        String lost = (String) redis.command("XADD", "tr.claim", "*", "payload", "x");
        redis.command("XADD", "tr.claim", "*", "payload", "y");
        redis.command("XREADGROUP", "GROUP", "g", "dead", "COUNT", "10", "STREAMS", "tr.claim", ">");
        assertThat(redis.command("XTRIM", "tr.claim", "MAXLEN", "1")).isEqualTo(1L);

        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.bindings.work-in-0.destination=tr.claim",
                "spring.cloud.stream.bindings.work-in-0.group=g",
                "spring.cloud.stream.redis.binder.consumer-name=alive",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.min-idle-time=200ms",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.reclaim-interval=200ms");

        await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("y"));
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("tr.claim", "g") == 0);
        assertThat(handled).containsExactly("y");
        assertThat(output.getAll()).doesNotContain("Entry " + lost + " of tr.claim/g");
    }
}
