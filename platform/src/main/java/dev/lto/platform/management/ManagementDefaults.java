package dev.lto.platform.management;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The actuator of every LTO service, set once here instead of in each service's {@code application.yml}: only
 * {@code health} (with the {@code liveness} and {@code readiness} groups) and {@code prometheus} exist; every other
 * endpoint ({@code env}, {@code heapdump}, {@code configprops}, {@code beans}, {@code threaddump}, {@code loggers},
 * {@code metrics}, {@code shutdown}, ...) is not even created ({@code access.default=none}), so it answers 404, and no
 * endpoint may write ({@code access.max-permitted=read-only}) whatever else is configured. JMX exposes nothing.
 *
 * <p>These are defaults (the last property source): a service's own file or the environment can still set other
 * {@code management.*} keys, e.g. {@code MANAGEMENT_SERVER_PORT} to serve health and prometheus on a port of their own
 * (docs/operations.md). Each service's {@code ManagementEndpointsTest} checks what the shipped configuration exposes.
 */
class ManagementDefaults implements EnvironmentPostProcessor {

    static final String SOURCE = "ltoManagementDefaults";

    static final Map<String, Object> DEFAULTS;

    static {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("management.endpoints.access.default", "none");
        defaults.put("management.endpoints.access.max-permitted", "read-only");
        defaults.put("management.endpoint.health.access", "read-only");
        defaults.put("management.endpoint.prometheus.access", "read-only");
        defaults.put("management.endpoints.web.exposure.include", "health,prometheus");
        defaults.put("management.endpoints.jmx.exposure.exclude", "*");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        DEFAULTS = Map.copyOf(defaults);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, DEFAULTS));
    }
}
