package dev.lto.platform.streams;

import io.opentelemetry.api.GlobalOpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.cloud.stream.config.BindingServiceProperties;
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

    /**
     * The agent's OpenTelemetry when it is attached (it bridges this API), a no-op otherwise: no
     * OpenTelemetry SDK or Micrometer tracing bridge in the services (docs/tracing.md).
     */
    @Bean
    StreamTracing streamTracing() {
        return new StreamTracing(GlobalOpenTelemetry.get());
    }

    @Bean
    @ConditionalOnBean(StreamBridge.class)
    EventPublisher eventPublisher(StreamBridge bridge, EnvelopeCodec codec, StreamTracing tracing,
                                  ObjectProvider<BindingServiceProperties> bindings) {
        return new EventPublisher(bridge, codec, tracing, binding -> {
            BindingServiceProperties properties = bindings.getIfAvailable();
            String destination = properties == null ? null : properties.getBindingDestination(binding);
            return destination == null ? binding : destination;
        });
    }
}
