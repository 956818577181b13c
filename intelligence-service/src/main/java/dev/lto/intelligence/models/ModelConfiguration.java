package dev.lto.intelligence.models;

import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The engine's stores on this service's data directory and DuckDB (the engine itself has no Spring wiring). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelProperties.class)
class ModelConfiguration {

    @Bean
    ModelStore modelStore(@Value("${lto.data-dir}") Path dataDir, JsonMapper json) {
        return new ModelStore(dataDir, json);
    }

    @Bean
    ModelRegistry modelRegistry(JdbcClient jdbc, TransactionTemplate tx) {
        return new ModelRegistry(jdbc, tx);
    }
}
