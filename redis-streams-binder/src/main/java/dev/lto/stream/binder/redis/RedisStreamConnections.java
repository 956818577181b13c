package dev.lto.stream.binder.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.tracing.Tracing;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.RedisCredentialsProviderFactory;

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
 *
 * <p>Unless {@code commandObservation} is set, the connections do not come from the application's
 * Lettuce client but from one of the binder's own, built from the same {@link LettuceConnectionFactory}
 * settings (standalone / sentinel / cluster / socket configuration, credentials, TLS, client name,
 * client options) and sharing the application client's event loops, but with Lettuce command
 * tracing (Spring Boot's Micrometer observation of every Redis command), Lettuce's command latency
 * recording and Lettuce's own per-command timeout switched off: the binder issues one or more
 * commands per message, and every one of them is timed by {@link #await} already.
 */
public class RedisStreamConnections implements DisposableBean {

    private static final Log log = LogFactory.getLog(RedisStreamConnections.class);

    private final LettuceConnectionFactory connectionFactory;
    private final boolean commandObservation;
    private final List<StatefulConnection<byte[], byte[]>> open = new CopyOnWriteArrayList<>();
    private volatile StatefulConnection<byte[], byte[]> shared;
    private volatile boolean closed;
    /** The binder's own client (when {@code commandObservation} is false), created on first connect. */
    private LettuceConnectionFactory binderFactory;
    private ClientResources binderResources;
    private boolean binderClientFailed;

    /** Connections from a binder-owned client without command observation (see the class comment). */
    public RedisStreamConnections(RedisConnectionFactory connectionFactory) {
        this(connectionFactory, false);
    }

    /**
     * @param commandObservation true: use the application's Lettuce client as it is (its command
     *        tracing / observation and latency metrics apply to the binder's commands too); false:
     *        a binder-owned client without them
     */
    public RedisStreamConnections(RedisConnectionFactory connectionFactory, boolean commandObservation) {
        if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
            throw new IllegalStateException("The redis stream binder needs Lettuce (spring-boot-starter-data-redis' default "
                    + "client); found " + connectionFactory.getClass().getName());
        }
        this.connectionFactory = lettuce;
        this.commandObservation = commandObservation;
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
        AbstractRedisClient client = client();
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

    /** The client connections are opened from: the binder's own, or the application's. */
    AbstractRedisClient client() {
        AbstractRedisClient application = connectionFactory.getNativeClient();
        if (application == null) {
            throw new RedisStreamOperationException("The LettuceConnectionFactory is not started yet");
        }
        if (commandObservation) {
            return application;
        }
        synchronized (this) {
            if (closed) {
                throw new RedisStreamOperationException("Redis stream connections are closed (application shutting down)");
            }
            if (binderFactory == null && !binderClientFailed) {
                try {
                    createBinderClient(application);
                }
                catch (RuntimeException ex) {
                    binderClientFailed = true;
                    log.warn("Could not create the redis binder's own Lettuce client (" + ex + "); using the application's "
                            + "client, with its command observation", ex);
                }
            }
            return binderFactory != null ? binderFactory.getRequiredNativeClient() : application;
        }
    }

    /** True when connections come from the binder's own client (no command observation). */
    public synchronized boolean usesOwnClient() {
        return binderFactory != null;
    }

    private void createBinderClient(AbstractRedisClient application) {
        LettuceConnectionFactory app = connectionFactory;
        RedisConfiguration configuration = app.isClusterAware() ? app.getClusterConfiguration()
                : app.isRedisSentinelAware() ? app.getSentinelConfiguration()
                : app.getSocketConfiguration() != null ? app.getSocketConfiguration()
                : app.getStandaloneConfiguration();
        ClientResources shared = application.getResources();
        // Same event loops, timer, DNS and reconnect settings; the builder setters mark them shared,
        // so shutting these resources down never stops the application's.
        ClientResources resources = shared.mutate()
                .eventLoopGroupProvider(shared.eventLoopGroupProvider())
                .eventExecutorGroup(shared.eventExecutorGroup())
                .timer(shared.timer())
                .tracing(Tracing.disabled())
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
                .build();
        ClientOptions options = application.getOptions().mutate()
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration,
                new BinderClientConfiguration(app.getClientConfiguration(), resources, options));
        try {
            factory.afterPropertiesSet();
            factory.start();
            factory.getRequiredNativeClient();
        }
        catch (RuntimeException ex) {
            factory.destroy();
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw ex;
        }
        binderFactory = factory;
        binderResources = resources;
    }

    @Override
    public void destroy() {
        LettuceConnectionFactory factory;
        ClientResources resources;
        synchronized (this) {
            closed = true;
            factory = binderFactory;
            resources = binderResources;
            binderFactory = null;
            binderResources = null;
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (StatefulConnection<byte[], byte[]> c : open) {
            open.remove(c);
            try {
                if (c.isOpen()) {
                    closing.add(c.closeAsync());
                }
            }
            catch (RuntimeException ex) {
                // closing anyway
            }
        }
        shared = null;
        try {
            // before the own client shuts down, which would close them a second time
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException ex) {
            // closing anyway
        }
        if (factory != null) {
            factory.destroy();
        }
        if (resources != null) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * The application's client configuration with the binder's client resources and options.
     * Pooling settings do not apply: the binder keeps its own long-lived connections.
     */
    private record BinderClientConfiguration(LettuceClientConfiguration delegate, ClientResources resources,
            ClientOptions options) implements LettuceClientConfiguration {

        @Override
        public boolean isUseSsl() {
            return delegate.isUseSsl();
        }

        @Override
        public boolean isVerifyPeer() {
            return delegate.isVerifyPeer();
        }

        @Override
        public SslVerifyMode getVerifyMode() {
            return delegate.getVerifyMode();
        }

        @Override
        public boolean isStartTls() {
            return delegate.isStartTls();
        }

        @Override
        public Optional<ClientResources> getClientResources() {
            return Optional.of(resources);
        }

        @Override
        public Optional<ClientOptions> getClientOptions() {
            return Optional.of(options);
        }

        @Override
        public Optional<String> getClientName() {
            return delegate.getClientName();
        }

        @Override
        public Optional<ReadFrom> getReadFrom() {
            return delegate.getReadFrom();
        }

        @Override
        public Optional<RedisCredentialsProviderFactory> getRedisCredentialsProviderFactory() {
            return delegate.getRedisCredentialsProviderFactory();
        }

        @Override
        public Duration getCommandTimeout() {
            return delegate.getCommandTimeout();
        }

        @Override
        public Duration getShutdownTimeout() {
            return delegate.getShutdownTimeout();
        }

        @Override
        public Duration getShutdownQuietPeriod() {
            return delegate.getShutdownQuietPeriod();
        }
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
