package dev.lto.stream.binder.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the binder has bound in this application: consumer (stream, group) pairs and producer
 * streams. Read by {@link RedisStreamInspector}, the health indicator and the gauges.
 */
public class RedisStreamBindingRegistry {

    /** A bound consumer group. */
    public record ConsumerBinding(String stream, String group, String deadLetterStream, List<String> consumerNames) {

        public ConsumerBinding {
            consumerNames = List.copyOf(consumerNames);
        }
    }

    /** Called when consumer bindings come and go. */
    public interface Listener {

        void added(ConsumerBinding binding);

        default void removed(ConsumerBinding binding) {
        }
    }

    private final List<ConsumerBinding> consumers = new CopyOnWriteArrayList<>();
    private final Set<String> producerStreams = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addConsumer(ConsumerBinding binding) {
        consumers.add(binding);
        listeners.forEach(l -> l.added(binding));
    }

    public void removeConsumer(ConsumerBinding binding) {
        if (consumers.remove(binding)) {
            listeners.forEach(l -> l.removed(binding));
        }
    }

    public void addProducer(String stream) {
        producerStreams.add(stream);
    }

    public List<ConsumerBinding> consumers() {
        return List.copyOf(consumers);
    }

    public Set<String> producerStreams() {
        return Set.copyOf(producerStreams);
    }

    /** Registers a listener and replays the current consumer bindings to it. */
    public void addListener(Listener listener) {
        listeners.add(listener);
        for (ConsumerBinding binding : new ArrayList<>(consumers)) {
            listener.added(binding);
        }
    }
}
