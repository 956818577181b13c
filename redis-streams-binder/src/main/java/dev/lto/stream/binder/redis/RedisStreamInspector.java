package dev.lto.stream.binder.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import io.lettuce.core.RedisCommandExecutionException;

/**
 * Read-only view of Redis streams and consumer groups, for health endpoints and dashboards in any
 * module: stream length, per-group pending count, lag and consumers (XINFO GROUPS; Redis 7
 * reports {@code lag}), dead-letter stream length.
 *
 * <p>Every method talks to Redis (no caching) and throws {@link RedisStreamOperationException}
 * when Redis does not answer within the binder's operation timeout.
 */
public class RedisStreamInspector {

    /** One consumer group of a stream, from XINFO GROUPS. */
    public record GroupInfo(String name, long consumers, long pending, String lastDeliveredId, Long entriesRead, Long lag) {
    }

    /**
     * Status of one (stream, group).
     *
     * @param length XLEN of the stream (0 when it does not exist)
     * @param pending entries delivered to a consumer and not acknowledged yet
     * @param lag entries not delivered to the group yet; {@code null} when Redis cannot tell
     *        (Redis &lt; 7, or after deletions/trimming past the group's position)
     * @param consumers consumers known to the group
     * @param groupExists false when the group (or the stream) does not exist
     * @param deadLetterLength XLEN of the dead-letter stream
     */
    public record StreamGroupStatus(String stream, String group, long length, long pending, Long lag, long consumers,
            String lastDeliveredId, boolean groupExists, String deadLetterStream, long deadLetterLength) {
    }

    private final RedisStreamConnections connections;
    private final RedisStreamBindingRegistry registry;
    private final Duration timeout;

    public RedisStreamInspector(RedisStreamConnections connections, RedisStreamBindingRegistry registry, Duration timeout) {
        this.connections = connections;
        this.registry = registry;
        this.timeout = timeout;
    }

    /** PING; true when Redis answers PONG in time. Never throws. */
    public boolean ping() {
        try {
            return "PONG".equals(RedisStreamConnections.await(connections.shared().ping(), timeout, "PING"));
        }
        catch (RuntimeException ex) {
            return false;
        }
    }

    /** XLEN (0 when the stream does not exist). */
    public long streamLength(String stream) {
        Long len = RedisStreamConnections.await(connections.shared().xlen(key(stream)), timeout, "XLEN " + stream);
        return len != null ? len : 0;
    }

    /** Length of {@code <stream>.dlq} (or the dead-letter stream a bound consumer configured). */
    public long deadLetterLength(String stream) {
        return streamLength(deadLetterStreamOf(stream, null));
    }

    /** XINFO GROUPS; empty when the stream does not exist. */
    public List<GroupInfo> groups(String stream) {
        List<Object> reply;
        try {
            reply = RedisStreamConnections.await(connections.shared().xinfoGroups(key(stream)), timeout, "XINFO GROUPS " + stream);
        }
        catch (RedisStreamOperationException ex) {
            if (ex.getCause() instanceof RedisCommandExecutionException rce && rce.getMessage() != null
                    && rce.getMessage().contains("no such key")) {
                return List.of();
            }
            throw ex;
        }
        List<GroupInfo> groups = new ArrayList<>();
        if (reply != null) {
            for (Object group : reply) {
                if (group instanceof List<?> fields) {
                    groups.add(parseGroup(fields));
                }
            }
        }
        return groups;
    }

    /** One group of a stream, if it exists. */
    public Optional<GroupInfo> group(String stream, String group) {
        return groups(stream).stream().filter(g -> g.name().equals(group)).findFirst();
    }

    /** Full status of (stream, group), including the dead-letter stream length. */
    public StreamGroupStatus status(String stream, String group) {
        long length = streamLength(stream);
        Optional<GroupInfo> info = length > 0 || exists(stream) ? group(stream, group) : Optional.empty();
        String dlq = deadLetterStreamOf(stream, group);
        long dlqLength = streamLength(dlq);
        return info.map(g -> new StreamGroupStatus(stream, group, length, g.pending(), g.lag(), g.consumers(),
                        g.lastDeliveredId(), true, dlq, dlqLength))
                .orElseGet(() -> new StreamGroupStatus(stream, group, length, 0, null, 0, null, false, dlq, dlqLength));
    }

    /** Status of every consumer group this application has bound through the binder. */
    public List<StreamGroupStatus> boundGroups() {
        List<StreamGroupStatus> result = new ArrayList<>();
        for (RedisStreamBindingRegistry.ConsumerBinding b : registry.consumers()) {
            result.add(status(b.stream(), b.group()));
        }
        return result;
    }

    /** The registry of bound streams/groups this inspector reports on. */
    public RedisStreamBindingRegistry registry() {
        return registry;
    }

    private boolean exists(String stream) {
        Long n = RedisStreamConnections.await(connections.shared().exists(key(stream)), timeout, "EXISTS " + stream);
        return n != null && n > 0;
    }

    private String deadLetterStreamOf(String stream, String group) {
        for (RedisStreamBindingRegistry.ConsumerBinding b : registry.consumers()) {
            if (b.stream().equals(stream) && (group == null || b.group().equals(group))) {
                return b.deadLetterStream();
            }
        }
        return stream + ".dlq";
    }

    static GroupInfo parseGroup(List<?> fields) {
        String name = null;
        String lastDelivered = null;
        long consumers = 0;
        long pending = 0;
        Long entriesRead = null;
        Long lag = null;
        Iterator<?> it = fields.iterator();
        while (it.hasNext()) {
            String key = text(it.next());
            if (!it.hasNext()) {
                break;
            }
            Object value = it.next();
            switch (key) {
                case "name" -> name = text(value);
                case "consumers" -> consumers = number(value, 0L);
                case "pending" -> pending = number(value, 0L);
                case "last-delivered-id" -> lastDelivered = text(value);
                case "entries-read" -> entriesRead = number(value, null);
                case "lag" -> lag = number(value, null);
                default -> {
                }
            }
        }
        return new GroupInfo(name, consumers, pending, lastDelivered, entriesRead, lag);
    }

    private static String text(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return o.toString();
    }

    private static Long number(Object o, Long fallback) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        String s = text(o);
        if (s == null || s.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(s);
        }
        catch (NumberFormatException ex) {
            return fallback;
        }
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
