package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
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

/** Entries read by a consumer that died without acking are claimed (XAUTOCLAIM) and processed by another. */
@ExtendWith(TestRedisExtension.class)
class ReclaimTest {

    static final Set<String> processed = ConcurrentHashMap.newKeySet();
    static final List<Long> deliveryCounts = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> work() {
            return m -> {
                processed.add(new String(m.getPayload()));
                deliveryCounts.add((Long) m.getHeaders().get(RedisStreamHeaders.DELIVERY_COUNT));
            };
        }
    }

    private ConfigurableApplicationContext app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void deadConsumersEntriesAreProcessedByTheBinder(TestRedis redis) {
        redis.command("XGROUP", "CREATE", "rc.jobs", "workers", "0", "MKSTREAM");
        for (int i = 0; i < 20; i++) {
            redis.command("XADD", "rc.jobs", "*", "payload", "job-" + i);
        }
        List<Object> read = (List<Object>) redis.command("XREADGROUP", "GROUP", "workers", "dead", "COUNT", "20", "STREAMS", "rc.jobs", ">");
        assertThat((List<Object>) ((List<Object>) read.getFirst()).get(1)).hasSize(20);
        assertThat(TestApps.pending("rc.jobs", "workers")).isEqualTo(20);

        app = TestApps.run(App.class,
                "spring.cloud.function.definition=work",
                "spring.cloud.stream.bindings.work-in-0.destination=rc.jobs",
                "spring.cloud.stream.bindings.work-in-0.group=workers",
                "spring.cloud.stream.redis.binder.consumer-name=alive",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.min-idle-time=1s",
                "spring.cloud.stream.redis.bindings.work-in-0.consumer.reclaim-interval=500ms");

        await().atMost(Duration.ofSeconds(15)).until(() -> processed.size() == 20);
        assertThat(deliveryCounts).hasSize(20).containsOnly(2L);
        await().atMost(Duration.ofSeconds(5)).until(() -> TestApps.pending("rc.jobs", "workers") == 0);
    }
}
