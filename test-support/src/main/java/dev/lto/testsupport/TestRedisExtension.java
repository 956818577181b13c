package dev.lto.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: makes sure the {@link TestRedis#shared() shared Redis} is up before the
 * class and before each test (a "Redis is down" test may have stopped it), and injects it into
 * test constructors / methods / lifecycle methods that declare a {@link TestRedis} parameter.
 *
 * <pre>{@code
 * @ExtendWith(TestRedisExtension.class)
 * class MyIT {
 *     @Test void works(TestRedis redis) { ... redis.port() ... }
 * }
 * }</pre>
 */
public final class TestRedisExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestRedis.shared();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestRedis.shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TestRedis.shared();
    }
}
