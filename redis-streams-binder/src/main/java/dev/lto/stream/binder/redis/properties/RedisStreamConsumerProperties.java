package dev.lto.stream.binder.redis.properties;

import java.time.Duration;

/**
 * Redis-specific consumer binding settings,
 * {@code spring.cloud.stream.redis.bindings.<binding>.consumer.*} (defaults for all bindings
 * under {@code spring.cloud.stream.redis.default.consumer.*}).
 */
public class RedisStreamConsumerProperties {

    /** XREADGROUP / XAUTOCLAIM {@code COUNT}: entries fetched per round trip. */
    private int batchSize = 50;

    /** XREADGROUP {@code BLOCK}: how long one read waits for new entries. Keep it short: it bounds shutdown latency. */
    private Duration blockTimeout = Duration.ofSeconds(1);

    /**
     * Pending entries idle longer than this are claimed (XAUTOCLAIM) from any consumer of the
     * group, including dead ones, and processed again. Entries this consumer holds are kept
     * fresh while they wait or run, so this is NOT a bound on handler time; it is how long a
     * crashed consumer's (or a failed) entry waits before redelivery.
     */
    private Duration minIdleTime = Duration.ofSeconds(30);

    /** How often each reader scans the group's pending list with XAUTOCLAIM. */
    private Duration reclaimInterval = Duration.ofSeconds(10);

    /**
     * After an entry failed on its {@code max-deliveries}-th delivery it is written to the
     * dead-letter stream and acknowledged. {@code 0} = never dead-letter (redeliver forever).
     */
    private int maxDeliveries = 5;

    /** Dead-letter stream; default {@code <stream>.dlq}. */
    private String deadLetterStream;

    /** {@code MAXLEN ~} for the dead-letter stream; {@code 0} (default) = never trim dead letters. */
    private long deadLetterMaxLength;

    /**
     * Java priority of the binding's reader threads (1–10; default 5, normal). The handler runs on them, so
     * a lower one lets request threads go first when the handler's work is heavy (simulations); it changes
     * the OS scheduling only where the JVM maps priorities to nice values ({@code -XX:ThreadPriorityPolicy=1}).
     */
    private int threadPriority = Thread.NORM_PRIORITY;

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be >= 1");
        }
        this.batchSize = batchSize;
    }

    public Duration getBlockTimeout() {
        return blockTimeout;
    }

    public void setBlockTimeout(Duration blockTimeout) {
        this.blockTimeout = blockTimeout;
    }

    public Duration getMinIdleTime() {
        return minIdleTime;
    }

    public void setMinIdleTime(Duration minIdleTime) {
        this.minIdleTime = minIdleTime;
    }

    public Duration getReclaimInterval() {
        return reclaimInterval;
    }

    public void setReclaimInterval(Duration reclaimInterval) {
        this.reclaimInterval = reclaimInterval;
    }

    public int getMaxDeliveries() {
        return maxDeliveries;
    }

    public void setMaxDeliveries(int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    public String getDeadLetterStream() {
        return deadLetterStream;
    }

    public void setDeadLetterStream(String deadLetterStream) {
        this.deadLetterStream = deadLetterStream;
    }

    public long getDeadLetterMaxLength() {
        return deadLetterMaxLength;
    }

    public void setDeadLetterMaxLength(long deadLetterMaxLength) {
        this.deadLetterMaxLength = deadLetterMaxLength;
    }

    public int getThreadPriority() {
        return threadPriority;
    }

    public void setThreadPriority(int threadPriority) {
        if (threadPriority < Thread.MIN_PRIORITY || threadPriority > Thread.MAX_PRIORITY) {
            throw new IllegalArgumentException("thread-priority must be 1-10, got " + threadPriority);
        }
        this.threadPriority = threadPriority;
    }

    /** The dead-letter stream of {@code stream}: the configured name or {@code <stream>.dlq}. */
    public String deadLetterStreamFor(String stream) {
        return deadLetterStream != null && !deadLetterStream.isBlank() ? deadLetterStream : stream + ".dlq";
    }
}
