package dev.lto.stream.binder.redis.config;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.lto.stream.binder.redis.RedisStreamBindingRegistry;
import dev.lto.stream.binder.redis.RedisStreamConnections;
import dev.lto.stream.binder.redis.RedisStreamMessageChannelBinder;
import dev.lto.stream.binder.redis.properties.RedisStreamBinderConfigurationProperties;
import dev.lto.stream.binder.redis.properties.RedisStreamExtendedBindingProperties;
import dev.lto.stream.binder.redis.provisioning.RedisStreamProvisioner;

/**
 * The binder's own context (registered in {@code META-INF/spring.binders} as {@code redis}).
 * Spring Cloud Stream creates it as a child of the application context, so the application's
 * {@link RedisConnectionFactory} and the {@link RedisStreamConnections} /
 * {@link RedisStreamBindingRegistry} beans of {@link RedisStreamBinderAutoConfiguration} are used.
 * When the binder is declared with its own {@code environment} (no parent context), it builds its
 * own connection factory from that environment's {@code spring.data.redis.*}.
 */
@Configuration(proxyBeanMethods = false)
@Import({PropertyPlaceholderAutoConfiguration.class, RedisStreamBinderConfiguration.StandaloneRedis.class})
@EnableConfigurationProperties({RedisStreamBinderConfigurationProperties.class, RedisStreamExtendedBindingProperties.class})
public class RedisStreamBinderConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RedisStreamConnections redisStreamConnections(RedisConnectionFactory connectionFactory,
            RedisStreamBinderConfigurationProperties properties) {
        return new RedisStreamConnections(connectionFactory, properties.commandObservation());
    }

    @Bean
    @ConditionalOnMissingBean
    RedisStreamBindingRegistry redisStreamBindingRegistry() {
        return new RedisStreamBindingRegistry();
    }

    @Bean
    RedisStreamProvisioner redisStreamProvisioner(RedisStreamConnections connections, RedisStreamBinderConfigurationProperties properties) {
        return new RedisStreamProvisioner(connections, properties.operationTimeout());
    }

    @Bean
    RedisStreamMessageChannelBinder redisStreamMessageChannelBinder(RedisStreamBinderConfigurationProperties properties,
            RedisStreamProvisioner provisioner, RedisStreamConnections connections, RedisStreamBindingRegistry registry,
            RedisStreamExtendedBindingProperties extendedBindingProperties) {
        RedisStreamMessageChannelBinder binder = new RedisStreamMessageChannelBinder(properties, provisioner, connections, registry);
        binder.setExtendedBindingProperties(extendedBindingProperties);
        return binder;
    }

    /** Only when no connection factory is visible (binder declared with its own environment). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(RedisConnectionFactory.class)
    @Import(DataRedisAutoConfiguration.class)
    static class StandaloneRedis {
    }
}
