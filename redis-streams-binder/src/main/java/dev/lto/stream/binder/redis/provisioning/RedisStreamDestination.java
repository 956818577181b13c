package dev.lto.stream.binder.redis.provisioning;

import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;

/**
 * A Redis stream key, plus the consumer group for consumer destinations.
 *
 * @param anonymous true for a binding without a group: the binder created a throw-away group
 *        ({@code anonymous.<uuid>}, starting at {@code $}) and deletes it at unbind
 */
public record RedisStreamDestination(String stream, String group, boolean anonymous)
        implements ProducerDestination, ConsumerDestination {

    @Override
    public String getName() {
        return stream;
    }

    @Override
    public String getNameForPartition(int partition) {
        return stream;
    }
}
