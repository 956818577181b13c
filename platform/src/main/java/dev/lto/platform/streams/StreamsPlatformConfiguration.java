package dev.lto.platform.streams;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

/** Envelope codec and publisher for services that use Spring Cloud Stream. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.cloud.stream.function.FunctionConfiguration"})
public class StreamsPlatformConfiguration {

    @Bean
    EnvelopeCodec envelopeCodec(JsonMapper json) {
        return new EnvelopeCodec(json);
    }

    @Bean
    @ConditionalOnBean(StreamBridge.class)
    EventPublisher eventPublisher(StreamBridge bridge, EnvelopeCodec codec) {
        return new EventPublisher(bridge, codec);
    }
}
