package dev.lto.intelligence.simulation;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The self-tests of this process's simulator adapters ({@link SimulatorInterface#healthCheck()}),
 * run in parallel, each bounded by {@code lto.simulator.health.timeout} (a self-test that does not
 * finish is DOWN: its device is stuck), and kept for {@code lto.simulator.health.cache-ttl} so that
 * frequent health polls do not image on every call. Warmed once after startup, so that the first
 * poll does not pay for loading a compute engine.
 */
@Component
public class SimulatorHealth {

    private final SimulatorAdapters adapters;
    private final Duration timeout;
    private final Duration cacheTtl;
    private volatile Checked last;

    private record Checked(long atNanos, List<AdapterHealth> adapters) {
    }

    SimulatorHealth(SimulatorAdapters adapters,
                    @Value("${lto.simulator.health.timeout:10s}") Duration timeout,
                    @Value("${lto.simulator.health.cache-ttl:10s}") Duration cacheTtl) {
        this.adapters = adapters;
        this.timeout = timeout;
        this.cacheTtl = cacheTtl;
    }

    /** Every adapter's latest self-test, at most {@code cache-ttl} old. */
    public List<AdapterHealth> current() {
        Checked c = last;
        if (c != null && System.nanoTime() - c.atNanos() < cacheTtl.toNanos()) {
            return c.adapters();
        }
        synchronized (this) {
            c = last;
            if (c == null || System.nanoTime() - c.atNanos() >= cacheTtl.toNanos()) {
                c = new Checked(System.nanoTime(), checkNow());
                last = c;
            }
            return c.adapters();
        }
    }

    /** Runs every adapter's self-test now. */
    List<AdapterHealth> checkNow() {
        Map<String, Future<AdapterHealth>> running = new LinkedHashMap<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (SimulatorInterface adapter : adapters.all()) {
                running.put(adapter.adapterType(), pool.submit(adapter::healthCheck));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            List<AdapterHealth> out = new ArrayList<>();
            running.forEach((type, f) -> out.add(await(type, f, deadline)));
            return List.copyOf(out);
        } finally {
            pool.shutdownNow();
        }
    }

    private AdapterHealth await(String type, Future<AdapterHealth> f, long deadline) {
        try {
            AdapterHealth h = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return h != null ? h : new AdapterHealth(type, HealthStatus.UNKNOWN, null, null, "the self-test returned nothing", Instant.now());
        } catch (TimeoutException e) {
            f.cancel(true);
            return new AdapterHealth(type, HealthStatus.DOWN, null, null, "the self-test did not finish within " + timeout, Instant.now());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new AdapterHealth(type, HealthStatus.DOWN, null, null, "the self-test failed: " + cause, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AdapterHealth(type, HealthStatus.UNKNOWN, null, null, "interrupted", Instant.now());
        }
    }

    /** The worst adapter status (DOWN over UNKNOWN over DEGRADED over UP); DOWN when there is no adapter. */
    public static HealthStatus worst(List<AdapterHealth> adapters) {
        if (adapters.isEmpty()) {
            return HealthStatus.DOWN;
        }
        return adapters.stream().map(AdapterHealth::status).max(Comparator.comparingInt(SimulatorHealth::severity)).orElseThrow();
    }

    private static int severity(HealthStatus s) {
        return switch (s) {
            case NOT_APPLICABLE -> -1;
            case UP -> 0;
            case DEGRADED -> 1;
            case UNKNOWN -> 2;
            case DOWN -> 3;
        };
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmUp() {
        Thread.ofVirtual().name("simulator-health-warm-up").start(this::current);
    }
}
