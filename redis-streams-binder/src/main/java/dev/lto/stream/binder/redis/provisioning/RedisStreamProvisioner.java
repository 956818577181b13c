package dev.lto.stream.binder.redis.provisioning;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.ExtendedProducerProperties;
import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;
import org.springframework.cloud.stream.provisioning.ProvisioningException;
import org.springframework.cloud.stream.provisioning.ProvisioningProvider;
import org.springframework.util.StringUtils;

import dev.lto.stream.binder.redis.RedisStreamConnections;
import dev.lto.stream.binder.redis.RedisStreamOperationException;
import dev.lto.stream.binder.redis.properties.RedisStreamConsumerProperties;
import dev.lto.stream.binder.redis.properties.RedisStreamProducerProperties;

/**
 * Creates consumer groups: {@code XGROUP CREATE <stream> <group> 0 MKSTREAM} for a new group
 * (so it sees every entry still in the stream), tolerating {@code BUSYGROUP} (the group exists:
 * it keeps its position). Streams themselves are created by the first XADD / MKSTREAM. A
 * producer's {@code requiredGroups} are created the same way. A consumer without a group gets an
 * anonymous group starting at {@code $} (new entries only), removed at unbind.
 *
 * <p>If Redis is unreachable at startup the failure is logged and the binding starts anyway; its
 * readers create the group when Redis answers (they recreate it on {@code NOGROUP}).
 */
public class RedisStreamProvisioner implements
        ProvisioningProvider<ExtendedConsumerProperties<RedisStreamConsumerProperties>, ExtendedProducerProperties<RedisStreamProducerProperties>> {

    private static final Log log = LogFactory.getLog(RedisStreamProvisioner.class);

    private final RedisStreamConnections connections;
    private final Duration timeout;

    public RedisStreamProvisioner(RedisStreamConnections connections, Duration timeout) {
        this.connections = connections;
        this.timeout = timeout;
    }

    @Override
    public ProducerDestination provisionProducerDestination(String name,
            ExtendedProducerProperties<RedisStreamProducerProperties> properties) throws ProvisioningException {
        if (properties.isPartitioned() && properties.getPartitionCount() > 1) {
            throw new ProvisioningException("The redis stream binder does not support partitioning (binding to '" + name + "')");
        }
        String[] required = properties.getRequiredGroups();
        if (required != null) {
            for (String group : required) {
                if (StringUtils.hasText(group)) {
                    tryCreate(name, group.trim(), "0");
                }
            }
        }
        return new RedisStreamDestination(name, null, false);
    }

    @Override
    public ConsumerDestination provisionConsumerDestination(String name, String group,
            ExtendedConsumerProperties<RedisStreamConsumerProperties> properties) throws ProvisioningException {
        if (properties.isPartitioned()) {
            throw new ProvisioningException("The redis stream binder does not support partitioning (binding to '" + name + "')");
        }
        if (!StringUtils.hasText(group)) {
            String anonymous = "anonymous." + UUID.randomUUID();
            try {
                createGroup(connections.shared(), name, anonymous, "$", timeout);
            }
            catch (RuntimeException ex) {
                throw new ProvisioningException("Cannot create anonymous consumer group on " + name + ": " + ex.getMessage(), ex);
            }
            return new RedisStreamDestination(name, anonymous, true);
        }
        tryCreate(name, group, "0");
        return new RedisStreamDestination(name, group, false);
    }

    /** Deletes an anonymous group (at unbind). */
    public void destroyAnonymousGroup(RedisStreamDestination destination) {
        if (!destination.anonymous()) {
            return;
        }
        try {
            RedisStreamConnections.await(connections.shared().xgroupDestroy(bytes(destination.stream()), bytes(destination.group())),
                    timeout, "XGROUP DESTROY " + destination.stream());
        }
        catch (RuntimeException ex) {
            log.warn("Could not delete anonymous group " + destination.group() + " on " + destination.stream() + ": " + ex.getMessage());
        }
    }

    private void tryCreate(String stream, String group, String offset) {
        try {
            if (createGroup(connections.shared(), stream, group, offset, timeout)) {
                log.info("Created consumer group " + group + " on stream " + stream + " at " + offset);
            }
        }
        catch (RuntimeException ex) {
            log.warn("Could not create consumer group " + group + " on stream " + stream + " now (" + ex.getMessage()
                    + "); the binding's readers will create it when Redis answers");
        }
    }

    /**
     * {@code XGROUP CREATE stream group offset MKSTREAM}.
     *
     * @return true when created, false when it existed (BUSYGROUP)
     */
    public static boolean createGroup(RedisClusterAsyncCommands<byte[], byte[]> commands, String stream, String group, String offset,
            Duration timeout) {
        try {
            RedisStreamConnections.await(commands.xgroupCreate(XReadArgs.StreamOffset.from(bytes(stream), offset), bytes(group),
                    new XGroupCreateArgs().mkstream(true)), timeout, "XGROUP CREATE " + stream + " " + group);
            return true;
        }
        catch (RedisStreamOperationException ex) {
            if (ex.getMessage() != null && ex.getMessage().contains("BUSYGROUP")) {
                return false;
            }
            throw ex;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
