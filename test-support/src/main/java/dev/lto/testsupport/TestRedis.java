package dev.lto.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.Serial;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis for tests: one {@code redis-server} per test JVM, on a free port, started lazily
 * by {@link #shared()} and killed by a JVM shutdown hook.
 *
 * <p>Backend choice, in order:
 * <ol>
 *   <li>a {@code redis-server} binary on {@code PATH} (or the one named by the system property
 *       / environment variable {@code lto.test.redis.server} / {@code LTO_TEST_REDIS_SERVER}),
 *       started as {@code redis-server --port P --bind 127.0.0.1 --save "" --appendonly no --dir <tmp>};</li>
 *   <li>otherwise a Testcontainers {@code redis:7} container, when a Docker engine is reachable;</li>
 *   <li>otherwise {@link #shared()} fails with a message saying how to install {@code redis-server}.</li>
 * </ol>
 * Force a backend with {@code -Dlto.test.redis.mode=local|docker}.
 *
 * <p>It never uses a Redis that happens to be running already (e.g. on 6379): the port is always
 * a fresh free one. {@link #stop()} / {@link #start()} take the server down and bring it back on
 * the <em>same</em> port (data is lost: nothing is persisted), for "Redis is down" tests.
 *
 * <p>Spring Boot tests typically pass {@link #springProperties()} to the application, or register
 * them in a {@code @DynamicPropertySource} with {@link #registerSpringProperties}.
 */
public final class TestRedis {

    private static final Logger log = LoggerFactory.getLogger(TestRedis.class);

    static final String MODE_PROPERTY = "lto.test.redis.mode";
    static final String SERVER_PROPERTY = "lto.test.redis.server";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private static TestRedis shared;

    private final Backend backend;

    private TestRedis(Backend backend) {
        this.backend = backend;
    }

    /**
     * The Redis of this test JVM, started on first use. If an earlier test left it stopped, it is
     * started again.
     */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            Backend backend = chooseBackend();
            backend.start();
            TestRedis redis = new TestRedis(backend);
            Runtime.getRuntime().addShutdownHook(new Thread(backend::shutdown, "test-redis-shutdown"));
            log.info("TestRedis ready at {} ({})", redis.uri(), backend.describe());
            shared = redis;
        }
        else if (!shared.isRunning()) {
            shared.start();
        }
        return shared;
    }

    /**
     * A Redis of the caller's own (not the shared one) that persists: AOF on ({@code --appendonly yes}) with
     * the given {@code appendfsync} policy, in its own directory, so {@link #stop()} (SIGTERM), {@link #kill()}
     * (SIGKILL) and {@link #start()} bring it back on the same port with the data it had persisted. Local
     * {@code redis-server} only; killed by a JVM shutdown hook like the shared one.
     */
    public static TestRedis durable(String appendfsync) {
        Path binary = findRedisServer().orElseThrow(() -> new IllegalStateException("no redis-server binary on PATH. " + INSTALL_HINT));
        Backend backend = new LocalProcessBackend(binary, java.util.List.of("--save", "", "--appendonly", "yes",
                "--appendfsync", appendfsync));
        backend.start();
        Runtime.getRuntime().addShutdownHook(new Thread(backend::shutdown, "test-redis-shutdown"));
        TestRedis redis = new TestRedis(backend);
        log.info("Durable TestRedis ready at {} (appendfsync {}, {})", redis.uri(), appendfsync, backend.describe());
        return redis;
    }

    /** Host to connect to ({@code 127.0.0.1} for the local backend). */
    public String host() {
        return backend.host();
    }

    /** Port of this Redis; stable across {@link #stop()}/{@link #start()}. */
    public int port() {
        return backend.port();
    }

    /** {@code redis://host:port}. */
    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    /**
     * {@code spring.data.redis.host=...} and {@code spring.data.redis.port=...}, ready for
     * {@code SpringApplicationBuilder.properties(...)} or {@code @SpringBootTest(properties=...)}.
     */
    public String[] springProperties() {
        return new String[] {"spring.data.redis.host=" + host(), "spring.data.redis.port=" + port()};
    }

    /**
     * Registers {@code spring.data.redis.host}/{@code port} with a Spring test's
     * {@code DynamicPropertyRegistry}: {@code TestRedis.shared().registerSpringProperties(registry::add)}.
     * Typed as a BiConsumer so this module needs no Spring dependency.
     */
    public void registerSpringProperties(BiConsumer<String, Supplier<Object>> registry) {
        registry.accept("spring.data.redis.host", this::host);
        registry.accept("spring.data.redis.port", this::port);
    }

    /** Takes the server down (connections are refused until {@link #start()}). */
    public synchronized void stop() {
        backend.stop();
        log.info("TestRedis stopped ({})", uri());
    }

    /** SIGKILL, as a crash: no shutdown, so only what the AOF policy had written survives ({@link #durable}). */
    public synchronized void kill() {
        backend.crash();
        log.info("TestRedis killed ({})", uri());
    }

    /** Starts the server again on the same port and waits until it answers PING. */
    public synchronized void start() {
        if (!backend.isRunning()) {
            backend.start();
            log.info("TestRedis started ({})", uri());
        }
    }

    /** Whether the server is up and answers PING. */
    public boolean isRunning() {
        if (!backend.isRunning()) {
            return false;
        }
        try {
            return "PONG".equals(command("PING"));
        }
        catch (RuntimeException ex) {
            return false;
        }
    }

    /** {@code FLUSHALL}: deletes every key. */
    public void flushAll() {
        command("FLUSHALL");
    }

    /**
     * Runs one Redis command over a fresh connection and returns the decoded reply:
     * {@code String}, {@code Long}, {@code List<Object>} or {@code null}. Handy for assertions
     * (e.g. {@code command("XLEN", "orders")}) in modules that have no Redis client.
     *
     * @throws RedisErrorReply when Redis answers with an error
     * @throws IllegalStateException when Redis cannot be reached
     */
    public Object command(String... args) {
        try {
            return Resp.call(host(), port(), 5_000, args);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Redis at " + uri() + " did not answer " + args[0] + ": " + ex.getMessage(), ex);
        }
    }

    /** An error reply from Redis ({@code -ERR ...}). */
    public static final class RedisErrorReply extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        RedisErrorReply(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------------------------------

    private static Backend chooseBackend() {
        String mode = System.getProperty(MODE_PROPERTY, "auto").toLowerCase(Locale.ROOT);
        Optional<Path> binary = findRedisServer();
        if (mode.equals("local") || (mode.equals("auto") && binary.isPresent())) {
            return new LocalProcessBackend(binary.orElseThrow(() -> new IllegalStateException(
                    "-D" + MODE_PROPERTY + "=local but no redis-server binary on PATH. " + INSTALL_HINT)));
        }
        if (mode.equals("docker") || mode.equals("auto")) {
            if (dockerAvailable()) {
                return ContainerBackend.create(freePort());
            }
        }
        throw new IllegalStateException("No redis-server binary on PATH and no Docker engine reachable. " + INSTALL_HINT);
    }

    private static final String INSTALL_HINT = "Install redis-server (Debian/Ubuntu: `apt-get install redis-server`; "
            + "macOS: `brew install redis`), or set -D" + SERVER_PROPERTY + "=/path/to/redis-server, or start a Docker engine "
            + "so Testcontainers can run redis:7.";

    private static boolean dockerAvailable() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, TestRedis.class.getClassLoader());
        }
        catch (ClassNotFoundException ex) {
            return false;
        }
        try {
            return ContainerBackend.dockerAvailable();
        }
        catch (Throwable ex) {
            log.debug("Docker not usable", ex);
            return false;
        }
    }

    static Optional<Path> findRedisServer() {
        String explicit = System.getProperty(SERVER_PROPERTY, System.getenv("LTO_TEST_REDIS_SERVER"));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot find a free port", ex);
        }
    }

    static void awaitPing(String host, int port, Duration timeout, Backend backend) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!backend.isRunning()) {
                throw new IllegalStateException("redis-server exited during startup on port " + port + ": " + backend.diagnostics());
            }
            try {
                if ("PONG".equals(Resp.call(host, port, 1_000, "PING"))) {
                    return;
                }
            }
            catch (IOException | RuntimeException ex) {
                last = ex;
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + timeout
                + " (" + (last != null ? last.getMessage() : "no reply") + "): " + backend.diagnostics());
    }

    /** One way of running the server. */
    interface Backend {

        void start();

        void stop();

        /** SIGKILL where the backend can (a local process). */
        default void crash() {
            throw new UnsupportedOperationException("kill -9 needs a local redis-server: " + describe());
        }

        /** Final cleanup from the shutdown hook. */
        void shutdown();

        boolean isRunning();

        String host();

        int port();

        String describe();

        String diagnostics();
    }

    static Duration startupTimeout() {
        return STARTUP_TIMEOUT;
    }
}
