package dev.lto.testsupport;

import java.util.List;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs {@code redis:7} with Testcontainers. Only loaded when no {@code redis-server} binary is
 * available and a Docker engine answers. The host port is fixed at creation so that
 * {@link #stop()} / {@link #start()} keep it.
 */
final class ContainerBackend implements TestRedis.Backend {

    private final int hostPort;
    private GenericContainer<?> container;

    private ContainerBackend(int hostPort) {
        this.hostPort = hostPort;
    }

    static ContainerBackend create(int hostPort) {
        return new ContainerBackend(hostPort);
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public synchronized void start() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse("redis:7"))
                .withExposedPorts(6379)
                .withCommand("redis-server", "--save", "", "--appendonly", "no");
        c.setPortBindings(List.of(hostPort + ":6379"));
        c.start();
        container = c;
        TestRedis.awaitPing(host(), hostPort, TestRedis.startupTimeout(), this);
    }

    @Override
    public synchronized void stop() {
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    @Override
    public void shutdown() {
        stop();
    }

    @Override
    public synchronized boolean isRunning() {
        return container != null && container.isRunning();
    }

    @Override
    public String host() {
        GenericContainer<?> c = container;
        return c != null ? c.getHost() : DockerClientFactory.instance().dockerHostIpAddress();
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public String describe() {
        return "Testcontainers redis:7";
    }

    @Override
    public String diagnostics() {
        GenericContainer<?> c = container;
        return c != null ? c.getLogs() : "(container not running)";
    }
}
