package dev.lto.platform.ratelimit;

import dev.lto.platform.ratelimit.RateLimitProperties.Limit;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets kept in Redis by Bucket4j (compare-and-swap through Lua scripts, so concurrent replicas never both spend
 * the last token). One Lettuce connection of its own, opened lazily from the application's Lettuce client (same host,
 * credentials, TLS, sentinel or cluster settings as the rest of the service).
 *
 * <p><b>When Redis does not answer</b> within {@code redis-timeout}, the request is let through unchecked (fail open):
 * rate limits protect the services from a runaway client, and refusing every request because the limiter's store is
 * down would turn a Redis blip into a full outage of reads too (submissions already answer 503 when Redis is down, at
 * the edge). Each such request counts in {@code lto_rate_limit_unchecked_total}; the first one logs a WARN; for
 * {@code fail-open-for} afterwards Redis is not asked at all, so an outage does not add the timeout to every request.
 *
 * <p>Buckets expire from Redis once they would be full again (plus 10 s), so idle callers leave nothing behind. Bucket4j
 * computes refills with each replica's own clock: replicas need synchronised clocks (NTP), as for everything else.
 */
final class RedisTokenBuckets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);
    private static final Duration KEEP_FULL_BUCKETS = Duration.ofSeconds(10);

    /** What became of one request's token. {@code nanosToWait}: until a token is there again, when rejected. */
    record Verdict(Outcome outcome, long nanosToWait) {
        static final Verdict ALLOWED = new Verdict(Outcome.ALLOWED, 0);
        static final Verdict UNCHECKED = new Verdict(Outcome.UNCHECKED, 0);
    }

    enum Outcome { ALLOWED, REJECTED, UNCHECKED }

    private final Supplier<AbstractRedisClient> client;
    private final Duration timeout;
    private final Duration failOpenFor;
    private final Runnable onUnchecked;

    private volatile StatefulConnection<byte[], byte[]> connection;
    private volatile AsyncProxyManager<byte[]> buckets;
    /** {@link System#nanoTime()} before which Redis is not asked again after a failure; 0 when Redis answered last. */
    private volatile long failingOpenUntil;

    /**
     * @param client      the Lettuce client to open the connection from (looked up at first use: the application's
     *                    connection factory starts after the filters are created)
     * @param onUnchecked called for every request let through because Redis did not answer
     */
    RedisTokenBuckets(Supplier<AbstractRedisClient> client, Duration timeout, Duration failOpenFor, Runnable onUnchecked) {
        this.client = client;
        this.timeout = timeout;
        this.failOpenFor = failOpenFor;
        this.onUnchecked = onUnchecked;
    }

    /** Takes one token from the bucket {@code key}, created with {@code limit} if Redis has none under that key. */
    Verdict take(String key, Limit limit) {
        long until = failingOpenUntil;
        if (until != 0 && System.nanoTime() - until < 0) {
            onUnchecked.run();
            return Verdict.UNCHECKED;
        }
        CompletableFuture<ConsumptionProbe> answer = null;
        try {
            AsyncProxyManager<byte[]> proxies = buckets();
            StatefulConnection<byte[], byte[]> current = connection;
            if (current == null || !current.isOpen()) {
                // Lettuce knows Redis is away: a command now would be queued and replayed on reconnect, spending a
                // token for a request that has long passed unchecked.
                throw new IllegalStateException("the connection to Redis is down");
            }
            BucketConfiguration configuration = BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(limit.capacity()).refillGreedy(limit.tokens(), limit.period()))
                    .build();
            answer = proxies.builder().build(key.getBytes(StandardCharsets.UTF_8), configuration)
                    .tryConsumeAndReturnRemaining(1);
            ConsumptionProbe probe = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (failingOpenUntil != 0) {
                failingOpenUntil = 0;
                log.info("Rate limits are checked again: Redis answers");
            }
            return probe.isConsumed() ? Verdict.ALLOWED : new Verdict(Outcome.REJECTED, probe.getNanosToWaitForRefill());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failOpen(answer, e);
        } catch (Exception e) {
            return failOpen(answer, e);
        }
    }

    private Verdict failOpen(CompletableFuture<?> answer, Exception e) {
        if (answer != null) {
            answer.cancel(false);
        }
        // Dropping the connection cancels what Lettuce still holds for it: a command queued while Redis was away
        // would otherwise be replayed on reconnect and spend a token for a request that long passed unchecked.
        // The next check after fail-open-for opens a fresh one.
        close();
        if (failingOpenUntil == 0) {
            log.warn("Rate limits are NOT checked for the next {}: Redis did not answer within {} ({}); requests pass "
                    + "unchecked (lto_rate_limit_unchecked_total) until it does", failOpenFor, timeout, e.toString());
        }
        long until = System.nanoTime() + failOpenFor.toNanos();
        failingOpenUntil = until == 0 ? 1 : until;
        onUnchecked.run();
        return Verdict.UNCHECKED;
    }

    private AsyncProxyManager<byte[]> buckets() {
        AsyncProxyManager<byte[]> ready = buckets;
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (buckets == null) {
                ExpirationAfterWriteStrategy expiry = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL_BUCKETS);
                AbstractRedisClient redis = client.get();
                if (redis instanceof RedisClusterClient cluster) {
                    var clustered = cluster.connect(ByteArrayCodec.INSTANCE);
                    connection = clustered;
                    buckets = Bucket4jLettuce.casBasedBuilder(clustered).expirationAfterWrite(expiry).build().asAsync();
                } else if (redis instanceof RedisClient standalone) {
                    var single = standalone.connect(ByteArrayCodec.INSTANCE);
                    connection = single;
                    buckets = Bucket4jLettuce.casBasedBuilder(single).expirationAfterWrite(expiry).build().asAsync();
                } else {
                    throw new IllegalStateException("no Lettuce client to keep rate limits in Redis: " + redis);
                }
            }
            return buckets;
        }
    }

    @Override
    public synchronized void close() {
        StatefulConnection<byte[], byte[]> open = connection;
        buckets = null;
        connection = null;
        if (open != null) {
            open.closeAsync();
        }
    }
}
