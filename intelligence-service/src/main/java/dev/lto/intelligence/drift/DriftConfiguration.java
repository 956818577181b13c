package dev.lto.intelligence.drift;

import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.models.ModelService;
import dev.lto.intelligence.models.RetrainTriggers;
import dev.lto.platform.streams.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DriftProperties.class)
class DriftConfiguration {

    @Bean
    DriftMonitor driftMonitor(DriftProperties props, ModelService models, CampaignStore campaigns, PreflightWindows windows,
                              EventPublisher publisher, MeterRegistry meters, ObjectProvider<Clock> clock,
                              RetrainTriggers retrain, @Value("${lto.models.command:}") String command) {
        return new DriftMonitor(props, models, campaigns, windows, publisher, meters, clock.getIfAvailable(Clock::systemUTC),
                !command.isBlank(), retrain::onDriftAlert);
    }
}
