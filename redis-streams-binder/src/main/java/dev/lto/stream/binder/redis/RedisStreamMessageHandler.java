package dev.lto.stream.binder.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;

import org.springframework.integration.handler.AbstractMessageHandler;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;

/**
 * Outbound endpoint: one {@code XADD <stream> [MAXLEN ~ N] * field value ...} per message, and
 * the calling thread waits for Redis' reply (at most {@code sendTimeout}). A failure or a timeout
 * throws {@link MessageDeliveryException} to the sender ({@code StreamBridge.send}, the function
 * output channel), so nothing is dropped silently.
 *
 * <p>Concurrent senders share one pipelined connection; throughput scales with the number of
 * sending threads.
 */
public class RedisStreamMessageHandler extends AbstractMessageHandler {

    private final RedisStreamConnections connections;
    private final String stream;
    private final byte[] streamKey;
    private final XAddArgs addArgs;
    private final Duration sendTimeout;
    private final RedisStreamMessageCodec codec;
    private final String description;

    public RedisStreamMessageHandler(RedisStreamConnections connections, String stream, long maxLength, Duration sendTimeout,
            RedisStreamMessageCodec codec) {
        this.connections = connections;
        this.stream = stream;
        this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
        this.addArgs = maxLength > 0 ? new XAddArgs().maxlen(maxLength).approximateTrimming() : null;
        this.sendTimeout = sendTimeout;
        this.codec = codec;
        this.description = "XADD " + stream;
    }

    @Override
    protected void handleMessageInternal(Message<?> message) {
        try {
            Map<byte[], byte[]> fields = codec.encode(message);
            RedisFuture<String> reply = addArgs != null
                    ? connections.shared().xadd(streamKey, addArgs, fields)
                    : connections.shared().xadd(streamKey, fields);
            RedisStreamConnections.await(reply, sendTimeout, description);
        }
        catch (RuntimeException ex) {
            throw new MessageDeliveryException(message, "Publishing to Redis stream '" + stream + "' failed: " + ex.getMessage(), ex);
        }
    }

    public String getStream() {
        return stream;
    }
}
