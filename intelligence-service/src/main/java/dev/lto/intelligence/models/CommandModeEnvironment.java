package dev.lto.intelligence.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Command mode ({@code lto.models.command} set): no web server, no pipeline orchestrator, and no
 * stream consumer, so a training or benchmark run never joins a consumer group of whatever Redis
 * it finds, never dispatches jobs and never takes a port. Applied before the application's own
 * configuration is read, with lower precedence than the command line.
 */
class CommandModeEnvironment implements EnvironmentPostProcessor {

    /** Every consumer binding of the service (application.yml). */
    static final List<String> CONSUMER_BINDINGS = List.of("jobSubmissions-in-0", "simulationResults-in-0",
            "ingestMetrics-in-0", "ingestYield-in-0", "cpuSimulations-in-0", "gpuSimulations-in-0");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.containsProperty("lto.models.command")) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spring.main.web-application-type", "none");
        m.put("lto.pipeline.orchestrator", "false");
        for (String b : CONSUMER_BINDINGS) {
            m.put("spring.cloud.stream.bindings." + b + ".consumer.auto-startup", "false");
        }
        // Above application.yml (which sets some of these), below the command line and the environment.
        if (env.getPropertySources().contains("systemEnvironment")) {
            env.getPropertySources().addAfter("systemEnvironment", new MapPropertySource("lto-command-mode", m));
        } else {
            env.getPropertySources().addFirst(new MapPropertySource("lto-command-mode", m));
        }
    }
}
