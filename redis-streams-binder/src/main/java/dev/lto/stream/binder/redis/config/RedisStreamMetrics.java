package dev.lto.stream.binder.redis.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.lto.stream.binder.redis.RedisStreamBindingRegistry;
import dev.lto.stream.binder.redis.RedisStreamInspector;

/**
 * Gauges per bound (stream, group), tagged {@code stream} and {@code group}:
 * {@code redis.stream.pending}, {@code redis.stream.lag}, {@code redis.stream.length},
 * {@code redis.stream.dlq.length}. Values come from {@link RedisStreamInspector}, cached for
 * {@code metrics-refresh} so a scrape costs at most one round of Redis calls per group; NaN when
 * Redis is unreachable (and for lag when Redis cannot compute it).
 */
public class RedisStreamMetrics implements SmartInitializingSingleton, RedisStreamBindingRegistry.Listener {

    private static final Log log = LogFactory.getLog(RedisStreamMetrics.class);

    private final ObjectProvider<MeterRegistry> meterRegistry;
    private final RedisStreamInspector inspector;
    private final RedisStreamBindingRegistry registry;
    private final long refreshNanos;
    private final Map<String, CachedStatus> cache = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    public RedisStreamMetrics(ObjectProvider<MeterRegistry> meterRegistry, RedisStreamInspector inspector,
            RedisStreamBindingRegistry registry, Duration refresh) {
        this.meterRegistry = meterRegistry;
        this.inspector = inspector;
        this.registry = registry;
        this.refreshNanos = refresh.toNanos();
    }

    @Override
    public void afterSingletonsInstantiated() {
        registry.addListener(this);
    }

    @Override
    public void added(RedisStreamBindingRegistry.ConsumerBinding binding) {
        MeterRegistry mr = meterRegistry.getIfAvailable();
        if (mr == null) {
            return;
        }
        String key = binding.stream() + "\u0000" + binding.group();
        CachedStatus status = cache.computeIfAbsent(key, k -> new CachedStatus(binding.stream(), binding.group()));
        Tags tags = Tags.of("stream", binding.stream(), "group", binding.group());
        List<Meter> registered = new CopyOnWriteArrayList<>();
        registered.add(gauge(mr, "redis.stream.pending", "Entries delivered to the group and not acknowledged", tags, status,
                s -> s.value(st -> (double) st.pending())));
        registered.add(gauge(mr, "redis.stream.lag", "Entries not yet delivered to the group", tags, status,
                s -> s.value(st -> st.lag() != null ? st.lag() : Double.NaN)));
        registered.add(gauge(mr, "redis.stream.length", "Entries in the stream (XLEN)", tags, status,
                s -> s.value(st -> (double) st.length())));
        registered.add(gauge(mr, "redis.stream.dlq.length", "Entries in the dead-letter stream", tags, status,
                s -> s.value(st -> (double) st.deadLetterLength())));
        meters.put(key, registered);
    }

    @Override
    public void removed(RedisStreamBindingRegistry.ConsumerBinding binding) {
        String key = binding.stream() + "\u0000" + binding.group();
        List<Meter> registered = meters.remove(key);
        MeterRegistry mr = meterRegistry.getIfAvailable();
        if (registered != null && mr != null) {
            registered.forEach(mr::remove);
        }
        cache.remove(key);
    }

    private static Meter gauge(MeterRegistry mr, String name, String description, Tags tags, CachedStatus status,
            ToDoubleFunction<CachedStatus> fn) {
        return Gauge.builder(name, status, fn).description(description).tags(tags).strongReference(true).register(mr);
    }

    private final class CachedStatus {

        private final String stream;
        private final String group;
        private volatile RedisStreamInspector.StreamGroupStatus last;
        private volatile long fetchedNanos;

        CachedStatus(String stream, String group) {
            this.stream = stream;
            this.group = group;
        }

        double value(ToDoubleFunction<RedisStreamInspector.StreamGroupStatus> fn) {
            RedisStreamInspector.StreamGroupStatus s = current();
            return s != null ? fn.applyAsDouble(s) : Double.NaN;
        }

        private synchronized RedisStreamInspector.StreamGroupStatus current() {
            long now = System.nanoTime();
            if (fetchedNanos == 0 || now - fetchedNanos >= refreshNanos) {
                fetchedNanos = now;
                try {
                    last = inspector.status(stream, group);
                }
                catch (RuntimeException ex) {
                    last = null;
                    if (log.isDebugEnabled()) {
                        log.debug("Cannot read status of " + stream + "/" + group + ": " + ex.getMessage());
                    }
                }
            }
            return last;
        }
    }
}
