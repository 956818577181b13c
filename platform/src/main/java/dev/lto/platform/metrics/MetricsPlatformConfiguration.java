package dev.lto.platform.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Metric settings every LTO service shares; Spring Boot applies {@link MeterFilter} beans to its registries. */
@AutoConfiguration
public class MetricsPlatformConfiguration {

    @Bean
    MeterFilter prometheusLint() {
        return new PrometheusLint();
    }
}
