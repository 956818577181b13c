package dev.lto.intelligence.models;

import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.intelligence.campaign.CampaignProperties;
import dev.lto.intelligence.campaign.CampaignStore;
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
@EnableConfigurationProperties({ModelProperties.class, LifecycleProperties.class, RetrainProperties.class, ShadowProperties.class})
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
    LifecycleAnnouncements lifecycleAnnouncements(EventPublisher publisher, ObjectProvider<Clock> clock) {
        return new LifecycleAnnouncements(publisher, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    ModelLifecycle modelLifecycle(ModelService models, ModelRegistry registry, ModelStore store, LifecycleProperties props,
                                  LifecycleAnnouncements announcements, ObjectProvider<Clock> clock) {
        return new ModelLifecycle(models.engine(), registry, store, clock.getIfAvailable(Clock::systemUTC),
                props.rollbackWindow(), announcements);
    }

    @Bean
    Retraining retraining(ModelService models, ModelRegistry registry, CampaignStore campaigns, CampaignProperties campaign,
                          JdbcClient jdbc, JsonMapper json, RetrainProperties props, LifecycleAnnouncements announcements,
                          ObjectProvider<Clock> clock) {
        return new Retraining(models.engine(), registry, jdbc, json, clock.getIfAvailable(Clock::systemUTC),
                props.notWorseTolerance(), new RetrainData(models, campaigns, jdbc, json, campaign.split()), announcements);
    }

    @Bean
    ShadowTrial shadowTrial(ModelService models, ModelRegistry registry, ModelStore store, ModelLifecycle lifecycle, JdbcClient jdbc,
                            ShadowProperties props, LifecycleAnnouncements announcements, ObjectProvider<Clock> clock) {
        return new ShadowTrial(models.engine(), registry, store, lifecycle, jdbc, clock.getIfAvailable(Clock::systemUTC),
                props.minJobs(), announcements);
    }

    @Bean
    RetrainTriggers retrainTriggers(Retraining retraining, RetrainProperties props, ObjectProvider<Clock> clock,
                                    @Value("${lto.models.command:}") String command) {
        return new RetrainTriggers(retraining, props, clock.getIfAvailable(Clock::systemUTC), !command.isBlank());
    }
}
