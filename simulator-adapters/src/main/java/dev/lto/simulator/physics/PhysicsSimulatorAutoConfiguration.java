package dev.lto.simulator.physics;

import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the physics simulator as the {@code synthetic} adapter and the adapter registry.
 * Disable with {@code lto.simulator.physics.enabled=false}.
 */
@AutoConfiguration
@EnableConfigurationProperties(PhysicsSimulatorProperties.class)
public class PhysicsSimulatorAutoConfiguration {

    @Bean(name = "syntheticSimulator")
    @ConditionalOnProperty(prefix = "lto.simulator.physics", name = "enabled", havingValue = "true", matchIfMissing = true)
    SimulatorInterface syntheticSimulator(PhysicsSimulatorProperties props) {
        return new PhysicsSimulator(props);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {

        @Bean
        KernelCacheMetrics kernelCacheMetrics(List<SimulatorInterface> adapters) {
            return new KernelCacheMetrics(adapters.stream().filter(PhysicsSimulator.class::isInstance)
                    .map(PhysicsSimulator.class::cast).toList());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    SimulatorAdapters simulatorAdapters(List<SimulatorInterface> adapters) {
        return new SimulatorAdapters(adapters);
    }
}
