package dev.lto.stream.binder.redis.properties;

import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/** The {@code consumer} / {@code producer} pair under {@code spring.cloud.stream.redis.bindings.<binding>}. */
public class RedisStreamBindingProperties implements BinderSpecificPropertiesProvider {

    private RedisStreamConsumerProperties consumer = new RedisStreamConsumerProperties();

    private RedisStreamProducerProperties producer = new RedisStreamProducerProperties();

    @Override
    public RedisStreamConsumerProperties getConsumer() {
        return consumer;
    }

    public void setConsumer(RedisStreamConsumerProperties consumer) {
        this.consumer = consumer;
    }

    @Override
    public RedisStreamProducerProperties getProducer() {
        return producer;
    }

    public void setProducer(RedisStreamProducerProperties producer) {
        this.producer = producer;
    }
}
