package dev.lto.stream.binder.redis.properties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.cloud.stream.binder.AbstractExtendedBindingProperties;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;

/**
 * Per-binding Redis settings: {@code spring.cloud.stream.redis.bindings.<binding>.consumer|producer.*},
 * with defaults from {@code spring.cloud.stream.redis.default.consumer|producer.*}.
 */
@ConfigurationProperties("spring.cloud.stream.redis")
public class RedisStreamExtendedBindingProperties extends
        AbstractExtendedBindingProperties<RedisStreamConsumerProperties, RedisStreamProducerProperties, RedisStreamBindingProperties> {

    private static final String DEFAULTS_PREFIX = "spring.cloud.stream.redis.default";

    @Override
    public String getDefaultsPrefix() {
        return DEFAULTS_PREFIX;
    }

    @Override
    public Class<? extends BinderSpecificPropertiesProvider> getExtendedPropertiesEntryClass() {
        return RedisStreamBindingProperties.class;
    }
}
