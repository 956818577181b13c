package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The binder's Lettuce connections, opened from the application's {@link LettuceConnectionFactory}
 * (so {@code spring.data.redis.*} - host, port, password, database, TLS, sentinel - applies):
 * <ul>
 *   <li>one shared, multiplexed connection for XADD, XACK, XCLAIM, XINFO, PING (thread-safe,
 *       commands from concurrent publishers are pipelined on it);</li>
 *   <li>one dedicated connection per consumer reader thread, because {@code XREADGROUP BLOCK}
 *       occupies its connection for the blocking time.</li>
 * </ul>
 * All commands are issued asynchronously and awaited with explicit timeouts ({@link #await}), so
 * a down Redis turns into an exception within the configured time instead of a hang.
 */
public class RedisStreamConnections implements DisposableBean {

    private final LettuceConnectionFactory connectionFactory;
    private final List<StatefulConnection<byte[], byte[]>> open = new CopyOnWriteArrayList<>();
    private volatile StatefulConnection<byte[], byte[]> shared;
    private volatile boolean closed;

    public RedisStreamConnections(RedisConnectionFactory connectionFactory) {
        if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
            throw new IllegalStateException("The redis stream binder needs Lettuce (spring-boot-starter-data-redis' default "
                    + "client); found " + connectionFactory.getClass().getName());
        }
        this.connectionFactory = lettuce;
    }

    /** Async commands on the shared connection (opened on first use). */
    public RedisClusterAsyncCommands<byte[], byte[]> shared() {
        StatefulConnection<byte[], byte[]> c = shared;
        if (unusable(c)) {
            synchronized (this) {
                c = shared;
                if (unusable(c)) {
                    if (c != null) {
                        release(c);
                    }
                    c = connect();
                    shared = c;
                }
            }
        }
        return async(c);
    }

    /**
     * A connection is replaced only once it is closed. While Lettuce reconnects after a drop it is
     * not "open" but still the right connection: replacing it would cancel other threads' queued
     * commands and block callers on a synchronous connect; their awaits time out instead.
     */
    public static boolean unusable(StatefulConnection<?, ?> connection) {
        if (connection == null) {
            return true;
        }
        return connection instanceof RedisChannelHandler<?, ?> handler ? handler.isClosed() : !connection.isOpen();
    }

    /** Opens a new dedicated connection; close it with {@link #release}. */
    public StatefulConnection<byte[], byte[]> dedicated() {
        return connect();
    }

    /** Async commands of a connection opened here. */
    public static RedisClusterAsyncCommands<byte[], byte[]> async(StatefulConnection<byte[], byte[]> connection) {
        if (connection instanceof StatefulRedisConnection<byte[], byte[]> c) {
            return c.async();
        }
        if (connection instanceof StatefulRedisClusterConnection<byte[], byte[]> c) {
            return c.async();
        }
        throw new IllegalStateException("Unsupported connection " + connection.getClass().getName());
    }

    public void release(StatefulConnection<byte[], byte[]> connection) {
        open.remove(connection);
        try {
            if (connection.isOpen()) {
                connection.closeAsync();
            }
        }
        catch (RuntimeException ex) {
            // closing anyway
        }
    }

    private StatefulConnection<byte[], byte[]> connect() {
        if (closed) {
            throw new RedisStreamOperationException("Redis stream connections are closed (application shutting down)");
        }
        AbstractRedisClient client = connectionFactory.getNativeClient();
        if (client == null) {
            throw new RedisStreamOperationException("The LettuceConnectionFactory is not started yet");
        }
        StatefulConnection<byte[], byte[]> connection;
        try {
            if (client instanceof RedisClusterClient cluster) {
                connection = cluster.connect(ByteArrayCodec.INSTANCE);
            }
            else if (client instanceof RedisClient standalone) {
                connection = standalone.connect(ByteArrayCodec.INSTANCE);
            }
            else {
                throw new IllegalStateException("Unsupported Lettuce client " + client.getClass().getName());
            }
        }
        catch (RuntimeException ex) {
            throw new RedisStreamOperationException("Cannot connect to Redis: " + ex.getMessage(), ex);
        }
        open.add(connection);
        return connection;
    }

    @Override
    public void destroy() {
        closed = true;
        for (StatefulConnection<byte[], byte[]> c : open) {
            release(c);
        }
        shared = null;
    }

    /**
     * Waits for a Lettuce future. On timeout the command is cancelled (a command still queued
     * while Lettuce reconnects is then never sent) and the caller gets an exception.
     *
     * @param what a short description for the exception message, e.g. {@code "XADD orders"}
     */
    public static <T> T await(Future<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            future.cancel(true);
            throw new RedisStreamOperationException(what + " got no reply from Redis within " + timeout, ex);
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            throw new RedisStreamOperationException(what + " failed: " + cause.getMessage(), cause);
        }
        catch (InterruptedException ex) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RedisStreamOperationException(what + " interrupted", ex);
        }
    }
}
