package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;

import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * Publishing waits for XADD: with Redis down StreamBridge.send throws when the binding's
 * send-timeout expires (the binder's own timeout, named in the error) instead of dropping. Both
 * producer and (anonymous-group) consumer recover when Redis comes back; the anonymous group is
 * deleted when the application stops.
 */
@ExtendWith(TestRedisExtension.class)
class ProducerFailureTest {

    static final List<String> received = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Consumer<Message<byte[]>> collect() {
            return m -> received.add(new String(m.getPayload()));
        }
    }

    private ConfigurableApplicationContext app;

    @AfterEach
    void cleanUp() {
        TestRedis.shared().start();
        if (app != null) {
            app.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sendFailsFastWhenRedisIsDownAndWorksAgainAfterwards(TestRedis redis) {
        app = TestApps.run(App.class,
                "spring.cloud.function.definition=collect",
                "spring.cloud.stream.bindings.collect-in-0.destination=pf.out",
                "spring.cloud.stream.output-bindings=out",
                "spring.cloud.stream.bindings.out.destination=pf.out",
                "spring.cloud.stream.redis.bindings.out.producer.send-timeout=2s");
        List<Object> groups = (List<Object>) redis.command("XINFO", "GROUPS", "pf.out");
        assertThat(groups).hasSize(1);
        assertThat(TestApps.fields((List<Object>) groups.getFirst()).get("name")).startsWith("anonymous.");

        StreamBridge bridge = app.getBean(StreamBridge.class);
        assertThat(bridge.send("out", MessageBuilder.withPayload("before".getBytes()).build())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("before"));

        redis.stop();
        // The binder's own send timeout ends the send (the message names it), not Lettuce (whose
        // reconnect buffer would hold the command until Redis returns) and not a command timeout
        // (the binder's client has none). The preemptive bound only keeps a regression from hanging
        // the build; it is far above the send timeout so that a slow machine cannot trip it.
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> assertThatThrownBy(
                () -> bridge.send("out", MessageBuilder.withPayload("lost?".getBytes()).build()))
                .isInstanceOf(MessageDeliveryException.class)
                .hasMessageContaining("pf.out")
                .hasRootCauseInstanceOf(TimeoutException.class)
                .hasMessageContaining("got no reply from Redis within PT2S"));

        redis.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> bridge.send("out", MessageBuilder.withPayload("after".getBytes()).build()));
        assertThat(TestApps.xrange("pf.out")).extracting(e -> e.getValue().get("payload")).containsExactly("after");
        await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("after"));
        assertThat(received).doesNotContain("lost?");

        app.close();
        app = null;
        assertThat((List<Object>) redis.command("XINFO", "GROUPS", "pf.out")).as("anonymous group removed at unbind").isEmpty();
    }
}
