package dev.lto.stream.binder.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * {@code consumer.batch-mode: true}: one read is one list message, acknowledged as a whole once the
 * handler returned; a batch that throws is handed again entry by entry, so a poison entry is
 * dead-lettered alone and its neighbours are handled and acknowledged.
 */
@ExtendWith(TestRedisExtension.class)
class BatchModeTest {

    /** Sizes of the lists the batch handler was called with. */
    static final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    /** Payloads handled successfully, with the entry ids the batch headers named for them. */
    static final List<String> handled = new CopyOnWriteArrayList<>();
    static final List<String> handledIds = new CopyOnWriteArrayList<>();
    /** Java priority of the threads the handler ran on ({@code thread-priority} 3 below). */
    static final List<Integer> priorities = new CopyOnWriteArrayList<>();

    static ConfigurableApplicationContext app;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<List<byte[]>>> batch() {
            return m -> {
                List<byte[]> payloads = m.getPayload();
                priorities.add(Thread.currentThread().getPriority());
                batchSizes.add(payloads.size());
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> headers = (List<Map<String, Object>>) m.getHeaders().get(RedisStreamHeaders.BATCH_CONVERTED_HEADERS);
                assertThat(headers).hasSize(payloads.size());
                List<String> texts = payloads.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
                if (texts.stream().anyMatch(t -> t.startsWith("poison"))) {
                    throw new IllegalArgumentException("cannot handle " + texts.stream().filter(t -> t.startsWith("poison")).toList());
                }
                handled.addAll(texts);
                headers.forEach(h -> handledIds.add((String) h.get(RedisStreamHeaders.STREAM_MESSAGE_ID)));
            };
        }
    }

    @BeforeAll
    static void start() {
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=batch",
                "spring.cloud.stream.bindings.batch-in-0.destination=bm.jobs",
                "spring.cloud.stream.bindings.batch-in-0.group=g",
                "spring.cloud.stream.bindings.batch-in-0.content-type=application/octet-stream",
                "spring.cloud.stream.bindings.batch-in-0.consumer.batch-mode=true",
                "spring.cloud.stream.bindings.batch-in-0.consumer.max-attempts=1",
                "spring.cloud.stream.redis.bindings.batch-in-0.consumer.batch-size=40",
                "spring.cloud.stream.redis.bindings.batch-in-0.consumer.thread-priority=3",
                "spring.cloud.stream.redis.bindings.batch-in-0.consumer.max-deliveries=2",
                "spring.cloud.stream.redis.bindings.batch-in-0.consumer.min-idle-time=300ms",
                "spring.cloud.stream.redis.bindings.batch-in-0.consumer.reclaim-interval=200ms");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void readsComeAsListsAckedTogetherAndAPoisonEntryIsDeadLetteredAlone(TestRedis redis) {
        // 100 entries in one atomic step, written with a JSON content type like our services' (the binding's
        // application/octet-stream decides for the list) (the reader sees them all at once: reads of 40, 40, 20), one of them poison.
        redis.command("EVAL", "for i = 0, 99 do redis.call('XADD', KEYS[1], '*', 'payload', (i == 57) and 'poison-57' or ('m' .. i), "
                        + "'contentType', 'application/json') end",
                "1", "bm.jobs");

        await().atMost(Duration.ofSeconds(30)).until(() -> TestApps.xlen("bm.jobs.dlq") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("bm.jobs", "g") == 0);

        assertThat(batchSizes).as("reads are handed over as lists").anyMatch(n -> n > 1);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0)).isLessThanOrEqualTo(40);
        // Every good entry handled exactly once: the failed batch handled nothing, its retries one by one did.
        assertThat(handled).hasSize(99).doesNotHaveDuplicates().doesNotContain("poison-57");
        assertThat(handledIds).hasSize(99).doesNotHaveDuplicates();
        Map<String, String> dead = TestApps.xrange("bm.jobs.dlq").getFirst().getValue();
        assertThat(dead).containsEntry("payload", "poison-57").containsEntry("x-deliveries", "2")
                .containsEntry("x-exception-message", "cannot handle [poison-57]");
        assertThat(priorities).as("the handler runs on the binding's reader threads, at their configured priority")
                .isNotEmpty().containsOnly(3);
    }
}
