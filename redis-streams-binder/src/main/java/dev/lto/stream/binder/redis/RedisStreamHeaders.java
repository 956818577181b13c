package dev.lto.stream.binder.redis;

import org.springframework.integration.redis.support.RedisHeaders;

/** Header and field names used by the Redis Streams binder. */
public final class RedisStreamHeaders {

    /** Inbound: the stream the entry was read from. */
    public static final String STREAM_KEY = RedisHeaders.STREAM_KEY;

    /** Inbound: the entry id ({@code 1700000000000-0}). */
    public static final String STREAM_MESSAGE_ID = RedisHeaders.STREAM_MESSAGE_ID;

    /** Inbound: the consumer group. */
    public static final String CONSUMER_GROUP = RedisHeaders.CONSUMER_GROUP;

    /** Inbound: the consumer name that holds the entry. */
    public static final String CONSUMER = RedisHeaders.CONSUMER;

    /** Inbound ({@code Long}): how many times the entry has been delivered, 1 on first delivery. */
    public static final String DELIVERY_COUNT = "redis_deliveryCount";

    /**
     * Inbound, batch mode ({@code consumer.batch-mode: true}): {@code List<Map<String, Object>>}, the
     * headers of each entry of the batch, in the order of the payload list (entry id, delivery count,
     * the producer's headers).
     */
    public static final String BATCH_CONVERTED_HEADERS = "redis_batchConvertedHeaders";

    /** Stream entry field holding the payload bytes. */
    public static final String PAYLOAD_FIELD = "payload";

    /** Stream entry field recording the Java types of non-String headers (absent when all are Strings). */
    public static final String TYPES_FIELD = "_htypes";

    /** Dead-letter fields, added to the original entry's fields. */
    public static final String X_EXCEPTION_MESSAGE = "x-exception-message";
    public static final String X_EXCEPTION_CLASS = "x-exception-class";
    public static final String X_EXCEPTION_STACKTRACE = "x-exception-stacktrace";
    public static final String X_ORIGINAL_ID = "x-original-id";
    public static final String X_ORIGINAL_STREAM = "x-original-stream";
    public static final String X_GROUP = "x-group";
    public static final String X_DELIVERIES = "x-deliveries";

    private RedisStreamHeaders() {
    }
}
