package dev.lto.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;

/**
 * Keeps every service's scrape clean under {@code promtool check metrics} (docs/observability.md):
 * the framework's observation timers (HTTP server, Lettuce, Spring Cloud Function, Spring
 * Integration, Tomcat sessions) come without a description, which Prometheus renders as a missing
 * HELP line, so they get one naming their instrumentation; three JVM and system meters whose names
 * break Prometheus' conventions are not exported: {@code jvm.compilation.time} and
 * {@code process.cpu.time} (abbreviated units {@code _ms}, {@code _ns}; {@code process_cpu_usage}
 * remains) and {@code system.cpu.count} (a gauge named {@code _count}).
 */
final class PrometheusLint implements MeterFilter {

    static final Set<String> DENIED = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return DENIED.contains(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                "Framework instrumentation: " + id.getName(), id.getType());
    }
}
