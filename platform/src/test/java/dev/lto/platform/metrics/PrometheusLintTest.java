package dev.lto.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class PrometheusLintTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();

    PrometheusLintTest() {
        meters.config().meterFilter(new PrometheusLint());
    }

    @Test
    void aMeterWithoutDescriptionGetsOneAndADescribedOneKeepsItsOwn() {
        Counter.builder("lettuce.command").register(meters);
        Counter.builder("lto.jobs.submitted").description("Total jobs submitted").register(meters);
        assertThat(meters.get("lettuce.command").counter().getId().getDescription()).isEqualTo("Framework instrumentation: lettuce.command");
        assertThat(meters.get("lto.jobs.submitted").counter().getId().getDescription()).isEqualTo("Total jobs submitted");
    }

    @Test
    void metersWhoseNamesBreakPrometheusConventionsAreNotExported() {
        Gauge.builder("system.cpu.count", () -> 2).register(meters);
        Gauge.builder("system.cpu.usage", () -> 0.5).register(meters);
        assertThat(meters.find("system.cpu.count").gauge()).isNull();
        assertThat(meters.find("system.cpu.usage").gauge()).isNotNull();
    }
}
