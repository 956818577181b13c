package dev.lto.intelligence.models;

import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.platform.streams.EventPublisher;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The engine's stores on this service's data directory and DuckDB (the engine itself has no Spring wiring). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ModelProperties.class, LifecycleProperties.class})
class ModelConfiguration {

    @Bean
    ModelStore modelStore(@Value("${lto.data-dir}") Path dataDir, JsonMapper json) {
        return new ModelStore(dataDir, json);
    }

    @Bean
    ModelRegistry modelRegistry(JdbcClient jdbc, TransactionTemplate tx, ObjectProvider<Clock> clock) {
        return new ModelRegistry(jdbc, tx, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    ModelLifecycle modelLifecycle(ModelService models, ModelRegistry registry, ModelStore store, LifecycleProperties props,
                                  EventPublisher publisher, ObjectProvider<Clock> clock) {
        Clock c = clock.getIfAvailable(Clock::systemUTC);
        return new ModelLifecycle(models.engine(), registry, store, c, props.rollbackWindow(),
                new LifecycleAnnouncements(publisher, c));
    }
}
