package dev.lto.stream.binder.redis;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.MessageBuilder;

import dev.lto.stream.binder.redis.properties.RedisStreamConsumerProperties;
import dev.lto.stream.binder.redis.provisioning.RedisStreamProvisioner;

/**
 * Inbound endpoint for one consumer binding: {@code concurrency} reader threads, each a consumer
 * of the group with its own name and its own connection.
 *
 * <p>Each reader loops:
 * <ol>
 *   <li>at start, re-reads its own pending entries ({@code XREADGROUP ... 0}): what a previous run
 *       under the same consumer name read but did not acknowledge;</li>
 *   <li>every {@code reclaim-interval}, {@code XAUTOCLAIM}s entries of the group idle longer than
 *       {@code min-idle-time} (dead consumers' entries, and failed ones);</li>
 *   <li>otherwise {@code XREADGROUP GROUP g me COUNT batch-size BLOCK block-timeout STREAMS s >}.</li>
 * </ol>
 * Each entry is dispatched synchronously to the binding's channel (with Spring Cloud Stream's
 * in-process retry when {@code maxAttempts > 1}); XACK only follows a successful return. A failed
 * entry stays pending and comes back through XAUTOCLAIM after {@code min-idle-time}; when it fails
 * on its {@code max-deliveries}-th delivery it is XADDed to the dead-letter stream and only then
 * acknowledged.
 *
 * <p>A keeper thread renews the ownership of the entries a reader holds (read but not finished,
 * including the one in the handler) with {@code XCLAIM ... JUSTID} well before they reach
 * {@code min-idle-time}, so slow handlers and batches are not reclaimed by other consumers while
 * this one is alive. It uses a conditional min-idle so it never steals back an entry that another
 * consumer already claimed. It also flushes acknowledgements of slow batches.
 *
 * <p>Batch mode ({@code consumer.batch-mode: true}): the entries of one read are handed to the
 * binding as one message whose payload is the list of their payloads (each entry's headers in
 * {@link RedisStreamHeaders#BATCH_CONVERTED_HEADERS}), and all are acknowledged once the handler
 * returned. If the handler throws, the entries are handed again one by one (each as a list of
 * one), so a poison entry fails, is redelivered and dead-lettered alone while the others are
 * acknowledged; a batch handler must therefore be idempotent per entry, as every handler here.
 *
 * <p>Stopping sets a flag: readers finish the in-flight entry, acknowledge what completed, and
 * leave every other entry they hold pending (it is re-read when a reader with the same name starts
 * again, or reclaimed by others after {@code min-idle-time}).
 */
public class RedisStreamInboundChannelAdapter extends MessageProducerSupport {

    private static final Log log = LogFactory.getLog(RedisStreamInboundChannelAdapter.class);

    private static final long ACK_FLUSH_SIZE = 64;
    private static final long ACK_MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final RedisStreamConnections connections;
    private final String stream;
    private final byte[] streamKey;
    private final String group;
    private final byte[] groupKey;
    private final List<String> consumerNames;
    private final RedisStreamConsumerProperties properties;
    private final Duration operationTimeout;
    private final Duration shutdownTimeout;
    private final RedisStreamMessageCodec codec;
    private final String deadLetterStream;

    private RetryTemplate retryTemplate;
    private MessageChannel errorNotificationChannel;
    private boolean batchMode;

    private volatile boolean active;
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService keeper;

    public RedisStreamInboundChannelAdapter(RedisStreamConnections connections, String stream, String group,
            List<String> consumerNames, RedisStreamConsumerProperties properties, Duration operationTimeout,
            Duration shutdownTimeout, RedisStreamMessageCodec codec) {
        this.connections = connections;
        this.stream = stream;
        this.streamKey = stream.getBytes(StandardCharsets.UTF_8);
        this.group = group;
        this.groupKey = group.getBytes(StandardCharsets.UTF_8);
        this.consumerNames = List.copyOf(consumerNames);
        this.properties = properties;
        this.operationTimeout = operationTimeout;
        this.shutdownTimeout = shutdownTimeout;
        this.codec = codec;
        this.deadLetterStream = properties.deadLetterStreamFor(stream);
    }

    /** In-process retry for each delivery (Spring Cloud Stream's maxAttempts/backOff*); null = one attempt. */
    public void setRetryTemplate(RetryTemplate retryTemplate) {
        this.retryTemplate = retryTemplate;
    }

    /**
     * Channel that receives an {@code ErrorMessage} for every failed delivery (after in-process
     * retries). It is a notification only: whether the entry is acknowledged, left pending or
     * dead-lettered is decided by this adapter.
     */
    public void setErrorNotificationChannel(MessageChannel errorNotificationChannel) {
        this.errorNotificationChannel = errorNotificationChannel;
    }

    /** Batch mode: one message per read, payload = list of the entries' payloads (see class comment). */
    public void setBatchMode(boolean batchMode) {
        this.batchMode = batchMode;
    }

    public List<String> getConsumerNames() {
        return consumerNames;
    }

    @Override
    public String getComponentType() {
        return "redis:stream-inbound-channel-adapter";
    }

    @Override
    protected void doStart() {
        active = true;
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-stream-keeper-" + stream + "-" + group);
            t.setDaemon(true);
            return t;
        });
        readers.clear();
        threads.clear();
        for (String name : consumerNames) {
            Reader reader = new Reader(name);
            readers.add(reader);
            Thread thread = new Thread(reader, "redis-stream-" + stream + "-" + name);
            thread.setDaemon(false);
            thread.setPriority(properties.getThreadPriority());
            threads.add(thread);
            thread.start();
        }
        // Scheduled only once every reader is listed, so no tick sees a half-filled list.
        long keeperPeriod = Math.max(50, Math.min(1000, properties.getMinIdleTime().toMillis() / 10));
        keeper.scheduleWithFixedDelay(this::keep, keeperPeriod, keeperPeriod, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        active = false;
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        for (Thread thread : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Duration.ofNanos(left));
                }
                if (thread.isAlive()) {
                    log.warn("Reader " + thread.getName() + " did not finish its in-flight message within " + shutdownTimeout
                            + "; interrupting it");
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(2));
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (keeper != null) {
            keeper.shutdownNow();
            keeper = null;
        }
    }

    /** Keeper tick: renew leases of held entries and flush acknowledgements of slow batches. */
    private void keep() {
        for (Reader reader : readers) {
            try {
                reader.renewLease();
                reader.acks.flushIfOlderThan(ACK_MAX_DELAY_NANOS);
            }
            // Throwable: anything escaping would cancel the scheduled keeper for good (no lease renewal).
            catch (Throwable ex) {
                if (log.isDebugEnabled()) {
                    log.debug("Keeper tick failed for " + reader.name + ": " + ex.getMessage());
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Entries one reader holds: read, not finished yet. */
    private static final class Lease {

        private final Set<String> held;
        private long touchedNanos;
        private final Set<String> inFlight = new HashSet<>();

        Lease(Set<String> ids, long now) {
            this.held = ids;
            this.touchedNanos = now;
        }

        synchronized boolean begin(String id) {
            if (!held.contains(id)) {
                return false;
            }
            inFlight.add(id);
            return true;
        }

        /** A batch: the ids still held (not claimed by another consumer meanwhile) are now in flight. */
        synchronized List<String> beginAll(List<String> ids) {
            List<String> ours = new ArrayList<>();
            for (String id : ids) {
                if (held.contains(id)) {
                    inFlight.add(id);
                    ours.add(id);
                }
            }
            return ours;
        }

        synchronized void end(String id) {
            held.remove(id);
            inFlight.remove(id);
        }

        /** The batch handler returned (or failed): the ids are no longer in flight but still held. */
        synchronized void pause(List<String> ids) {
            inFlight.removeAll(ids);
        }

        synchronized List<String> dueForRenewal(long now, long periodNanos) {
            if (held.isEmpty() || now - touchedNanos < periodNanos) {
                return List.of();
            }
            return new ArrayList<>(held);
        }

        synchronized long elapsedNanos(long now) {
            return now - touchedNanos;
        }

        synchronized void renewed(List<String> asked, Set<String> stillOurs, long now, String consumer) {
            for (String id : asked) {
                if (!stillOurs.contains(id) && held.remove(id)) {
                    if (inFlight.remove(id)) {
                        log.warn("Consumer " + consumer + " lost entry " + id + " to another consumer while processing it "
                                + "(this process was paused longer than min-idle-time?); it may be processed twice");
                    }
                }
            }
            touchedNanos = now;
        }
    }

    /**
     * Acknowledgements waiting to be sent, coalesced into multi-id XACKs: one XACK per read batch
     * (or per {@value #ACK_FLUSH_SIZE} entries of a large batch), never one per message.
     */
    private final class AckBuffer {

        private final List<String> ids = new ArrayList<>();
        private long oldestNanos;
        private final List<RedisFuture<Long>> inFlight = new ArrayList<>();

        synchronized void add(String id) {
            if (ids.isEmpty()) {
                oldestNanos = System.nanoTime();
            }
            ids.add(id);
        }

        synchronized int size() {
            return ids.size();
        }

        private synchronized String[] drain() {
            String[] out = ids.toArray(String[]::new);
            ids.clear();
            return out;
        }

        /** Sends buffered acks on {@code commands} without waiting. */
        void flush(RedisClusterAsyncCommands<byte[], byte[]> commands) {
            String[] batch = drain();
            if (batch.length > 0) {
                RedisFuture<Long> f = commands.xack(streamKey, groupKey, batch);
                synchronized (this) {
                    inFlight.add(f);
                }
            }
        }

        /** Sends buffered acks and waits until Redis confirmed all acks sent so far. */
        void flushAndAwait(RedisClusterAsyncCommands<byte[], byte[]> commands) {
            flush(commands);
            List<RedisFuture<Long>> waiting;
            synchronized (this) {
                waiting = new ArrayList<>(inFlight);
                inFlight.clear();
            }
            for (RedisFuture<Long> f : waiting) {
                RedisStreamConnections.await(f, operationTimeout, "XACK " + stream);
            }
        }

        /**
         * Sends buffered acks without waiting for the reply (the next XREADGROUP on the same
         * connection is queued behind them); completed replies are checked, and the reader only
         * blocks when many are outstanding.
         */
        void flushPipelined(RedisClusterAsyncCommands<byte[], byte[]> commands) {
            flush(commands);
            List<RedisFuture<Long>> done = new ArrayList<>();
            boolean tooMany;
            synchronized (this) {
                inFlight.removeIf(f -> f.isDone() && done.add(f));
                tooMany = inFlight.size() > 16;
            }
            for (RedisFuture<Long> f : done) {
                RedisStreamConnections.await(f, operationTimeout, "XACK " + stream);
            }
            if (tooMany) {
                flushAndAwait(commands);
            }
        }

        /** Keeper: acks of a batch whose next entry is slow must not wait for the batch to end. */
        void flushIfOlderThan(long maxDelayNanos) {
            boolean due;
            synchronized (this) {
                due = !ids.isEmpty() && System.nanoTime() - oldestNanos > maxDelayNanos;
            }
            if (due) {
                flush(connections.shared());
            }
        }
    }

    private final class Reader implements Runnable {

        private final String name;
        private final Consumer<byte[]> consumer;
        private final AckBuffer acks = new AckBuffer();
        private volatile Lease lease;
        private StatefulConnection<byte[], byte[]> connection;
        private RedisClusterAsyncCommands<byte[], byte[]> commands;
        private boolean ownPendingDone;
        private String ownPendingCursor = "0";
        private String claimCursor = "0-0";
        private long nextReclaimNanos = System.nanoTime();
        private long lastWarnNanos;

        Reader(String name) {
            this.name = name;
            this.consumer = Consumer.from(groupKey, name.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void run() {
            long backoffMillis = 100;
            while (active) {
                try {
                    ensureConnection();
                    step();
                    backoffMillis = 100;
                }
                // Throwable: an Error escaping here would end the reader silently while health stays UP.
                catch (Throwable ex) {
                    if (!active) {
                        break;
                    }
                    if (isNoGroup(ex)) {
                        recreateGroup();
                        continue;
                    }
                    warn("Reader " + name + " of " + stream + "/" + group + " failed: " + ex.getMessage()
                            + " (retrying in " + backoffMillis + " ms)", ex);
                    dropConnectionIfClosed();
                    sleep(backoffMillis);
                    backoffMillis = Math.min(backoffMillis * 2, 5_000);
                }
            }
            try {
                if (commands != null) {
                    acks.flushAndAwait(commands);
                }
            }
            catch (RuntimeException ex) {
                log.warn("Reader " + name + " could not send its last acknowledgements (the entries stay pending and "
                        + "will be redelivered): " + ex.getMessage());
            }
            if (connection != null) {
                connections.release(connection);
                connection = null;
            }
        }

        private void ensureConnection() {
            if (connection == null) {
                connection = connections.dedicated();
                commands = RedisStreamConnections.async(connection);
            }
        }

        private void dropConnectionIfClosed() {
            if (connection != null && RedisStreamConnections.unusable(connection)) {
                connections.release(connection);
                connection = null;
                commands = null;
            }
        }

        private void step() {
            if (!ownPendingDone) {
                List<StreamMessage<byte[], byte[]>> own = RedisStreamConnections.await(
                        commands.xreadgroup(consumer, XReadArgs.Builder.count(properties.getBatchSize()),
                                XReadArgs.StreamOffset.from(streamKey, ownPendingCursor)),
                        operationTimeout, "XREADGROUP (own pending) " + stream);
                if (own == null || own.isEmpty()) {
                    ownPendingDone = true;
                    return;
                }
                ownPendingCursor = own.getLast().getId();
                process(own, true);
                return;
            }
            long now = System.nanoTime();
            if (now >= nextReclaimNanos) {
                ClaimedMessages<byte[], byte[]> claimed = RedisStreamConnections.await(
                        commands.xautoclaim(streamKey, XAutoClaimArgs.Builder
                                .xautoclaim(consumer, properties.getMinIdleTime(), claimCursor)
                                .count(properties.getBatchSize())),
                        operationTimeout, "XAUTOCLAIM " + stream);
                String next = claimed.getId();
                if (next == null || next.equals("0-0")) {
                    claimCursor = "0-0";
                    nextReclaimNanos = now + properties.getReclaimInterval().toNanos();
                }
                else {
                    claimCursor = next;
                }
                List<StreamMessage<byte[], byte[]>> messages = claimed.getMessages();
                if (messages != null && !messages.isEmpty()) {
                    if (log.isDebugEnabled()) {
                        log.debug(name + " reclaimed " + messages.size() + " idle entries of " + stream + "/" + group);
                    }
                    process(messages, true);
                }
                return;
            }
            long blockMillis = Math.max(1, properties.getBlockTimeout().toMillis());
            long untilReclaim = TimeUnit.NANOSECONDS.toMillis(nextReclaimNanos - now);
            blockMillis = Math.max(1, Math.min(blockMillis, untilReclaim));
            List<StreamMessage<byte[], byte[]>> fresh = RedisStreamConnections.await(
                    commands.xreadgroup(consumer, XReadArgs.Builder.count(properties.getBatchSize()).block(blockMillis),
                            XReadArgs.StreamOffset.lastConsumed(streamKey)),
                    operationTimeout.plusMillis(blockMillis), "XREADGROUP " + stream);
            if (fresh != null && !fresh.isEmpty()) {
                process(fresh, false);
            }
        }

        /**
         * @param redelivered entries from the pending list (own or claimed): their delivery count
         *        is looked up; fresh entries ({@code >}) are on delivery 1
         */
        private void process(List<StreamMessage<byte[], byte[]>> batch, boolean redelivered) {
            Map<String, Long> deliveries = redelivered ? deliveryCounts(batch) : Map.of();
            Set<String> ids = new LinkedHashSet<>();
            for (StreamMessage<byte[], byte[]> m : batch) {
                ids.add(m.getId());
            }
            Lease current = new Lease(ids, System.nanoTime());
            lease = current;
            try {
                if (batchMode) {
                    processAsBatch(batch, deliveries, current);
                    return;
                }
                for (StreamMessage<byte[], byte[]> entry : batch) {
                    if (!active) {
                        break;
                    }
                    String id = entry.getId();
                    if (entry.getBody() == null || entry.getBody().isEmpty()) {
                        // Deleted or trimmed (MAXLEN) while pending: the message is gone. Say so loudly:
                        // it means the stream's max-length is too small for its backlog.
                        log.warn("Entry " + id + " of " + stream + "/" + group + " was trimmed or deleted before it was "
                                + "processed; its message is lost. Raise the producer's max-length for this stream.");
                        current.end(id);
                        acks.add(id);
                        continue;
                    }
                    if (!current.begin(id)) {
                        continue; // claimed by another consumer meanwhile
                    }
                    try {
                        handle(entry, deliveries.getOrDefault(id, 1L));
                    }
                    finally {
                        current.end(id);
                    }
                    if (acks.size() >= ACK_FLUSH_SIZE) {
                        acks.flush(commands);
                    }
                }
            }
            finally {
                lease = null;
                acks.flushPipelined(commands);
            }
        }

        /**
         * Batch mode: trimmed entries are acknowledged and over-delivered ones dead-lettered as in
         * {@link #process}; the rest go to the handler as one list message and are acknowledged
         * together. If that throws, each goes again alone, with the usual failure handling.
         */
        private void processAsBatch(List<StreamMessage<byte[], byte[]>> batch, Map<String, Long> deliveries, Lease current) {
            int max = properties.getMaxDeliveries();
            List<StreamMessage<byte[], byte[]>> eligible = new ArrayList<>();
            for (StreamMessage<byte[], byte[]> entry : batch) {
                String id = entry.getId();
                if (entry.getBody() == null || entry.getBody().isEmpty()) {
                    log.warn("Entry " + id + " of " + stream + "/" + group + " was trimmed or deleted before it was "
                            + "processed; its message is lost. Raise the producer's max-length for this stream.");
                    current.end(id);
                    acks.add(id);
                }
                else if (max > 0 && deliveries.getOrDefault(id, 1L) > max) {
                    handleAlone(entry, deliveries, current);
                }
                else {
                    eligible.add(entry);
                }
            }
            if (eligible.size() > 1 && active) {
                List<String> ours = current.beginAll(eligible.stream().map(StreamMessage::getId).toList());
                eligible.removeIf(e -> !ours.contains(e.getId()));
                try {
                    dispatch(batchMessage(eligible, deliveries));
                    for (String id : ours) {
                        current.end(id);
                        acks.add(id);
                    }
                    return;
                }
                catch (Throwable ex) {
                    current.pause(ours);
                    warn("Batch handler failed on " + eligible.size() + " entries of " + stream + "/" + group + ": "
                            + rootCause(ex) + "; handing them one by one so that a failing entry fails alone", null);
                }
            }
            for (StreamMessage<byte[], byte[]> entry : eligible) {
                if (!active) {
                    break;
                }
                handleAlone(entry, deliveries, current);
            }
        }

        private void handleAlone(StreamMessage<byte[], byte[]> entry, Map<String, Long> deliveries, Lease current) {
            String id = entry.getId();
            if (!current.begin(id)) {
                return; // claimed by another consumer meanwhile
            }
            try {
                handle(entry, deliveries.getOrDefault(id, 1L));
            }
            finally {
                current.end(id);
            }
        }

        /** Payload: the entries' payloads in order; headers: each entry's, in {@link RedisStreamHeaders#BATCH_CONVERTED_HEADERS}. */
        private Message<List<byte[]>> batchMessage(List<StreamMessage<byte[], byte[]>> entries, Map<String, Long> deliveries) {
            List<byte[]> payloads = new ArrayList<>(entries.size());
            List<Map<String, Object>> headers = new ArrayList<>(entries.size());
            for (StreamMessage<byte[], byte[]> entry : entries) {
                Message<byte[]> m = codec.decode(entry.getBody(), inboundHeaders(entry.getId(), deliveries.getOrDefault(entry.getId(), 1L)));
                payloads.add(m.getPayload());
                headers.add(new LinkedHashMap<>(m.getHeaders()));
            }
            return asBatch(payloads, headers);
        }

        /**
         * No {@code contentType} on the list message: the entries' own content types stay in their
         * headers, and the binding's content type applies to the list (set {@code application/octet-stream}
         * on a batch binding of opaque payloads, or Spring Cloud Function tries to convert the list as JSON).
         */
        private Message<List<byte[]>> asBatch(List<byte[]> payloads, List<Map<String, Object>> headers) {
            return MessageBuilder.withPayload(payloads)
                    .setHeader(RedisStreamHeaders.STREAM_KEY, stream)
                    .setHeader(RedisStreamHeaders.CONSUMER_GROUP, group)
                    .setHeader(RedisStreamHeaders.CONSUMER, name)
                    .setHeader(RedisStreamHeaders.BATCH_CONVERTED_HEADERS, headers)
                    .build();
        }

        private Map<String, Object> inboundHeaders(String id, long deliveryCount) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put(RedisStreamHeaders.STREAM_KEY, stream);
            extra.put(RedisStreamHeaders.STREAM_MESSAGE_ID, id);
            extra.put(RedisStreamHeaders.CONSUMER_GROUP, group);
            extra.put(RedisStreamHeaders.CONSUMER, name);
            extra.put(RedisStreamHeaders.DELIVERY_COUNT, deliveryCount);
            return extra;
        }

        private void handle(StreamMessage<byte[], byte[]> entry, long deliveryCount) {
            String id = entry.getId();
            int max = properties.getMaxDeliveries();
            if (max > 0 && deliveryCount > max) {
                // a previous holder died while processing it (e.g. the message crashes the JVM)
                deadLetter(entry, deliveryCount, new IllegalStateException("Delivered " + deliveryCount
                        + " times (max-deliveries " + max + ") without being acknowledged"));
                return;
            }
            Message<?> message = null;
            try {
                Message<byte[]> decoded = codec.decode(entry.getBody(), inboundHeaders(id, deliveryCount));
                // A batch consumer takes lists, also when an entry is handed alone.
                message = batchMode ? asBatch(List.of(decoded.getPayload()), List.of(new LinkedHashMap<>(decoded.getHeaders()))) : decoded;
                dispatch(message);
                acks.add(id);
            }
            // Throwable: a handler's Error (StackOverflowError, a native-library LinkageError) is a failed
            // delivery like any exception, not a reason to lose the reader thread.
            catch (Throwable ex) {
                Throwable cause = rootCause(ex);
                notifyError(message, ex);
                if (max > 0 && deliveryCount >= max) {
                    deadLetter(entry, deliveryCount, cause);
                }
                else {
                    warn("Handler failed on " + stream + " entry " + id + " (delivery " + deliveryCount
                            + (max > 0 ? " of " + max : "") + "): " + cause + "; left pending, redelivered after "
                            + properties.getMinIdleTime(), null);
                }
            }
        }

        private void dispatch(Message<?> message) throws Exception {
            RetryTemplate retry = retryTemplate;
            if (retry == null) {
                sendMessage(message);
                return;
            }
            try {
                retry.execute(() -> {
                    sendMessage(message);
                    return null;
                });
            }
            catch (RetryException ex) {
                Throwable last = ex.getCause() != null ? ex.getCause() : ex;
                if (last instanceof Exception e) {
                    throw e;
                }
                throw new MessagingException(message, "Handler failed", last);
            }
        }

        /** XADD to the dead-letter stream, then XACK. If the XADD fails the entry stays pending. */
        private void deadLetter(StreamMessage<byte[], byte[]> entry, long deliveryCount, Throwable cause) {
            String id = entry.getId();
            try {
                Map<byte[], byte[]> fields = new LinkedHashMap<>(entry.getBody());
                put(fields, RedisStreamHeaders.X_EXCEPTION_MESSAGE, String.valueOf(cause.getMessage()));
                put(fields, RedisStreamHeaders.X_EXCEPTION_CLASS, cause.getClass().getName());
                put(fields, RedisStreamHeaders.X_EXCEPTION_STACKTRACE, stackTrace(cause));
                put(fields, RedisStreamHeaders.X_ORIGINAL_ID, id);
                put(fields, RedisStreamHeaders.X_ORIGINAL_STREAM, stream);
                put(fields, RedisStreamHeaders.X_GROUP, group);
                put(fields, RedisStreamHeaders.X_DELIVERIES, Long.toString(deliveryCount));
                byte[] dlqKey = deadLetterStream.getBytes(StandardCharsets.UTF_8);
                RedisFuture<String> added = properties.getDeadLetterMaxLength() > 0
                        ? connections.shared().xadd(dlqKey,
                                new XAddArgs().maxlen(properties.getDeadLetterMaxLength()).approximateTrimming(), fields)
                        : connections.shared().xadd(dlqKey, fields);
                String dlqId = RedisStreamConnections.await(added, operationTimeout, "XADD " + deadLetterStream);
                acks.add(id);
                acks.flushAndAwait(commands);
                log.warn("Dead-lettered " + stream + " entry " + id + " (group " + group + ", " + deliveryCount
                        + " deliveries) to " + deadLetterStream + " as " + dlqId + ": " + cause);
            }
            catch (RuntimeException ex) {
                log.error("Could not dead-letter " + stream + " entry " + id + "; it stays pending: " + ex.getMessage(), ex);
            }
        }

        /**
         * Delivery counts of re-read / claimed entries: one {@code XPENDING <stream> <group> <first>
         * <last> <n> <me>} for the whole batch (the entries are ours now, in id order); only ids it
         * did not cover (more of our pending entries inside the range than the count) are looked up
         * one by one, pipelined.
         */
        private Map<String, Long> deliveryCounts(List<StreamMessage<byte[], byte[]>> batch) {
            Map<String, Long> counts = new HashMap<>();
            if (batch.isEmpty()) {
                return counts;
            }
            String first = batch.getFirst().getId();
            String last = batch.getFirst().getId();
            for (StreamMessage<byte[], byte[]> m : batch) {
                if (compareIds(m.getId(), first) < 0) {
                    first = m.getId();
                }
                if (compareIds(m.getId(), last) > 0) {
                    last = m.getId();
                }
            }
            List<PendingMessage> range = RedisStreamConnections.await(commands.xpending(streamKey, consumer, Range.create(first, last),
                    Limit.from(2L * batch.size())), operationTimeout, "XPENDING " + stream);
            if (range != null) {
                for (PendingMessage p : range) {
                    counts.put(p.getId(), p.getRedeliveryCount());
                }
            }
            List<RedisFuture<List<PendingMessage>>> futures = new ArrayList<>();
            for (StreamMessage<byte[], byte[]> m : batch) {
                if (!counts.containsKey(m.getId())) {
                    futures.add(commands.xpending(streamKey, groupKey, Range.create(m.getId(), m.getId()), Limit.from(1)));
                }
            }
            for (RedisFuture<List<PendingMessage>> f : futures) {
                List<PendingMessage> pending = RedisStreamConnections.await(f, operationTimeout, "XPENDING " + stream);
                if (pending != null) {
                    for (PendingMessage p : pending) {
                        counts.put(p.getId(), p.getRedeliveryCount());
                    }
                }
            }
            return counts;
        }

        /** Keeper thread: XCLAIM JUSTID the held entries before they become reclaimable by others. */
        void renewLease() {
            Lease current = lease;
            if (current == null) {
                return;
            }
            long minIdleNanos = properties.getMinIdleTime().toNanos();
            long now = System.nanoTime();
            List<String> ids = current.dueForRenewal(now, minIdleNanos / 3);
            if (ids.isEmpty()) {
                return;
            }
            // Only an entry nobody claimed since our last touch is idle for ~elapsed; one claimed by
            // another consumer (possible only after min-idle-time) is idle for <= elapsed - minIdle.
            long conditionalIdleMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(current.elapsedNanos(now) - minIdleNanos / 2));
            List<StreamMessage<byte[], byte[]>> claimed = RedisStreamConnections.await(
                    connections.shared().xclaim(streamKey, consumer, new XClaimArgs().minIdleTime(conditionalIdleMillis).justid(),
                            ids.toArray(String[]::new)),
                    operationTimeout, "XCLAIM (renew) " + stream);
            Set<String> ours = new HashSet<>();
            if (claimed != null) {
                for (StreamMessage<byte[], byte[]> m : claimed) {
                    ours.add(m.getId());
                }
            }
            current.renewed(ids, ours, now, name);
        }

        private void notifyError(Message<?> message, Throwable ex) {
            MessageChannel channel = errorNotificationChannel;
            if (channel == null) {
                return;
            }
            try {
                Message<?> failed = message;
                MessagingException wrapped = ex instanceof MessagingException me ? me
                        : failed != null ? new MessagingException(failed, ex.getMessage(), ex) : new MessagingException(ex.getMessage(), ex);
                channel.send(buildErrorMessage(failed, wrapped));
            }
            catch (RuntimeException ignored) {
                // notification only; the ack decision is ours
            }
        }

        private void recreateGroup() {
            try {
                RedisStreamProvisioner.createGroup(connections.shared(), stream, group, "0", operationTimeout);
                log.warn("Consumer group " + group + " on " + stream + " was missing (stream deleted?); recreated it");
            }
            catch (RuntimeException ex) {
                warn("Could not recreate consumer group " + group + " on " + stream + ": " + ex.getMessage(), null);
                sleep(1000);
            }
        }

        private void warn(String message, Throwable ex) {
            long now = System.nanoTime();
            if (now - lastWarnNanos > TimeUnit.SECONDS.toNanos(10) || lastWarnNanos == 0) {
                lastWarnNanos = now;
                log.warn(message);
            }
            else if (log.isDebugEnabled()) {
                log.debug(message, ex);
            }
        }
    }

    /** Orders stream entry ids ({@code <ms>-<seq>}) numerically. */
    static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        long msA = Long.parseUnsignedLong(da < 0 ? a : a.substring(0, da));
        long msB = Long.parseUnsignedLong(db < 0 ? b : b.substring(0, db));
        if (msA != msB) {
            return Long.compareUnsigned(msA, msB);
        }
        long seqA = da < 0 ? 0 : Long.parseUnsignedLong(a.substring(da + 1));
        long seqB = db < 0 ? 0 : Long.parseUnsignedLong(b.substring(db + 1));
        return Long.compareUnsigned(seqA, seqB);
    }

    private static boolean isNoGroup(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("NOGROUP")) {
                return true;
            }
        }
        return false;
    }

    static Throwable rootCause(Throwable ex) {
        Throwable t = ex;
        while (t instanceof MessagingException && t.getCause() != null) {
            t = t.getCause();
        }
        while (t instanceof RetryException && t.getCause() != null) {
            t = t.getCause();
        }
        while (t instanceof MessagingException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void put(Map<byte[], byte[]> fields, String name, String value) {
        // replace an existing field of the same name (an entry dead-lettered twice)
        fields.keySet().removeIf(k -> new String(k, StandardCharsets.UTF_8).equals(name));
        fields.put(name.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        String s = out.toString();
        return s.length() > 4000 ? s.substring(0, 4000) : s;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
