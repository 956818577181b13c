package dev.lto.stream.binder.redis;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;

import dev.lto.stream.binder.redis.properties.RedisStreamBinderConfigurationProperties;
import dev.lto.stream.binder.redis.properties.RedisStreamConsumerProperties;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerNameTest {

    private static RedisStreamMessageChannelBinder binder(String name) {
        return new RedisStreamMessageChannelBinder(new RedisStreamBinderConfigurationProperties(name, null, null, null, false, null), null, null,
                new RedisStreamBindingRegistry());
    }

    @Test
    void defaultIsHostnameAndInstanceIndex() {
        ExtendedConsumerProperties<RedisStreamConsumerProperties> props = new ExtendedConsumerProperties<>(new RedisStreamConsumerProperties());
        props.setInstanceIndex(3);
        assertThat(binder(null).consumerNames(props)).containsExactly(RedisStreamMessageChannelBinder.hostname() + "-3");
    }

    @Test
    void concurrencyAppendsReaderIndex() {
        ExtendedConsumerProperties<RedisStreamConsumerProperties> props = new ExtendedConsumerProperties<>(new RedisStreamConsumerProperties());
        props.setConcurrency(3);
        assertThat(binder("worker-a").consumerNames(props)).containsExactly("worker-a-0", "worker-a-1", "worker-a-2");
    }
}
