package dev.lto.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every Spring Boot application started in a test JVM (test-support is on test classpaths only)
 * the {@link TestKeys} secret and keys, as the lowest-precedence defaults: auth stays ON in tests, and a
 * test that wants other keys, or auth off, sets its own properties. Registered in META-INF/spring.factories.
 */
public final class TestKeysEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        TestKeys.registerSpringProperties((name, value) -> defaults.put(name, value.get()));
        environment.getPropertySources().addLast(new MapPropertySource("lto-test-keys", defaults));
    }
}
