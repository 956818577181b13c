package dev.lto.stream.binder.redis.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.micrometer.core.instrument.MeterRegistry;

import dev.lto.stream.binder.redis.RedisStreamBindingRegistry;
import dev.lto.stream.binder.redis.RedisStreamConnections;
import dev.lto.stream.binder.redis.RedisStreamInspector;
import dev.lto.stream.binder.redis.properties.RedisStreamBinderConfigurationProperties;

/**
 * Application-context beans of the Redis Streams binder: the shared {@link RedisStreamConnections}
 * and {@link RedisStreamBindingRegistry} (the binder's child context uses these), the public
 * {@link RedisStreamInspector}, the {@code redisStreamBinder} health indicator (when Spring Boot's
 * health support is present) and the {@code redis.stream.*} gauges (when a MeterRegistry is).
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass(LettuceConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@EnableConfigurationProperties(RedisStreamBinderConfigurationProperties.class)
public class RedisStreamBinderAutoConfiguration {

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
    @ConditionalOnMissingBean
    RedisStreamInspector redisStreamInspector(RedisStreamConnections connections, RedisStreamBindingRegistry registry,
            RedisStreamBinderConfigurationProperties properties) {
        return new RedisStreamInspector(connections, registry, properties.operationTimeout());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {

        @Bean(name = "redisStreamBinder")
        @ConditionalOnMissingBean(name = "redisStreamBinder")
        RedisStreamHealthIndicator redisStreamBinder(RedisStreamConnections connections, RedisStreamBindingRegistry registry,
                RedisStreamBinderConfigurationProperties properties) {
            // An inspector of its own: every command of a health check waits at most the health timeout.
            return new RedisStreamHealthIndicator(new RedisStreamInspector(connections, registry, properties.healthTimeout()),
                    properties.healthTimeout());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {

        @Bean
        RedisStreamMetrics redisStreamMetrics(ObjectProvider<MeterRegistry> meterRegistry, RedisStreamInspector inspector,
                RedisStreamBindingRegistry registry, RedisStreamBinderConfigurationProperties properties) {
            return new RedisStreamMetrics(meterRegistry, inspector, registry, properties.metricsRefresh());
        }
    }
}
