package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping a binding stops reading, lets the in-flight message finish (and acks it), and leaves
 * the rest of the batch pending; starting it again processes them. Also: a handler slower than
 * min-idle-time is not reclaimed by another consumer while its owner is alive (lease renewal).
 */
@ExtendWith(TestRedisExtension.class)
class GracefulShutdownTest {

    static final List<String> started = new CopyOnWriteArrayList<>();
    static final List<String> finished = new CopyOnWriteArrayList<>();
    static volatile long sleepMillis;
    /** When set, the handler holds each message until the test counts it down. */
    static volatile CountDownLatch hold;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> slow() {
            return m -> {
                String p = new String(m.getPayload());
                started.add(p);
                try {
                    CountDownLatch h = hold;
                    if (h != null && !h.await(5, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("test never released " + p);
                    }
                    Thread.sleep(sleepMillis);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
                finished.add(p);
            };
        }
    }

    private ConfigurableApplicationContext app;

    @AfterEach
    void close() {
        CountDownLatch h = hold;
        if (h != null) {
            h.countDown(); // a failed test must not leave a handler holding the context's close
        }
        hold = null;
        if (app != null) {
            app.close();
        }
        started.clear();
        finished.clear();
    }

    private ConfigurableApplicationContext start(String stream, String... extra) {
        String[] base = {
                "spring.cloud.function.definition=slow",
                "spring.cloud.stream.bindings.slow-in-0.destination=" + stream,
                "spring.cloud.stream.bindings.slow-in-0.group=g",
                "spring.cloud.stream.redis.bindings.slow-in-0.consumer.batch-size=10",
                "spring.cloud.stream.redis.bindings.slow-in-0.consumer.min-idle-time=1s",
                "spring.cloud.stream.redis.bindings.slow-in-0.consumer.reclaim-interval=200ms"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return TestApps.run(App.class, all);
    }

    @Test
    void stoppingABindingFinishesTheInFlightMessageAndLeavesTheRestPending(TestRedis redis) throws Exception {
        hold = new CountDownLatch(1);
        sleepMillis = 0;
        for (int i = 0; i < 10; i++) {
            redis.command("XADD", "gs.jobs", "*", "payload", "job-" + i);
        }
        // The new group starts at 0: one batch of all 10 entries; the handler holds job-0. A long
        // shutdown-timeout, so that only the handler's end (never the interrupt) can end the stop.
        app = start("gs.jobs", "spring.cloud.stream.redis.binder.shutdown-timeout=5m");
        await().atMost(Duration.ofSeconds(30)).until(() -> started.size() == 1);

        BindingsLifecycleController bindings = app.getBean(BindingsLifecycleController.class);
        AtomicReference<Throwable> stopFailure = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            try {
                bindings.stop("slow-in-0");
            }
            catch (Throwable ex) {
                stopFailure.set(ex);
            }
        }, "gs-stopper");
        stopper.start();
        // stop() has set the readers' stop flag and now waits for the in-flight message
        TestApps.awaitJoiningReaders(stopper);
        assertThat(finished).as("stop did not cut the in-flight message short").isEmpty();

        hold.countDown();
        stopper.join(Duration.ofMinutes(2));
        assertThat(stopper.isAlive()).as("stop returned once the in-flight message finished").isFalse();
        assertThat(stopFailure.get()).isNull();
        assertThat(finished).as("in-flight message completed before stop returned").containsExactly("job-0");
        assertThat(started).as("no entry after the stop was started").containsExactly("job-0");
        assertThat(TestApps.pending("gs.jobs", "g")).as("the rest of the batch stays pending").isEqualTo(9);

        hold = null;
        bindings.start("slow-in-0");
        await().atMost(Duration.ofSeconds(30)).until(() -> finished.size() == 10);
        assertThat(finished).doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.pending("gs.jobs", "g") == 0);
    }

    @Test
    void slowHandlerKeepsItsEntriesWhileAlive(TestRedis redis) {
        // handler time 2.5 s > min-idle-time 1 s; a second reader in the same group must not steal entries
        hold = null;
        sleepMillis = 2_500;
        app = start("gs.slow", "spring.cloud.stream.bindings.slow-in-0.consumer.concurrency=2");
        for (int i = 0; i < 3; i++) {
            redis.command("XADD", "gs.slow", "*", "payload", "slow-" + i);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> finished.size() == 3);
        assertThat(started).as("each entry processed exactly once").hasSize(3).doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(5)).until(() -> TestApps.pending("gs.slow", "g") == 0);
    }
}
