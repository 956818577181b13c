package dev.lto.stream.binder.redis.config;

import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.stream.config.BindingHandlerAdvise.MappingsProvider;
import org.springframework.context.annotation.Bean;

/**
 * Makes {@code spring.cloud.stream.redis.default.consumer|producer.*} the fallback for every
 * property a binding does not set under {@code spring.cloud.stream.redis.bindings.<name>.*}.
 */
@AutoConfiguration
public class ExtendedBindingHandlerMappingsProviderConfiguration {

    @Bean
    public MappingsProvider redisStreamExtendedPropertiesDefaultMappingsProvider() {
        return () -> Map.of(ConfigurationPropertyName.of("spring.cloud.stream.redis.bindings"),
                ConfigurationPropertyName.of("spring.cloud.stream.redis.default"));
    }
}
