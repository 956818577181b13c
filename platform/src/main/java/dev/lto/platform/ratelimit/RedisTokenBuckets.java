package dev.lto.platform.ratelimit;

import dev.lto.platform.ratelimit.RateLimitProperties.Limit;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets kept in Redis, each taken from by one Lua script run ({@link #TAKE}: refill by Redis's own clock, then
 * spend one token, atomically), so concurrent replicas never both spend the last token and a flood on one bucket costs
 * at most one round trip per request (see below). (Bucket4j's Lettuce backend, used before, is compare-and-swap: under a flood on one
 * bucket its retries ran past the check's timeout, and the flood then passed unchecked.) One Lettuce connection of its
 * own, opened lazily from the application's Lettuce client (same host, credentials, TLS, sentinel or cluster settings
 * as the rest of the service).
 *
 * <p><b>When Redis does not answer</b> within {@code redis-timeout}, the request is let through unchecked (fail open):
 * rate limits protect the services from a runaway client, and refusing every request because the limiter's store is
 * down would turn a Redis blip into a full outage of reads too (submissions already answer 503 when Redis is down, at
 * the edge). Each such request counts in {@code lto_rate_limit_unchecked_total}. A late answer while Redis still answers
 * (some answer arrived within the last {@value #SILENT_TIMEOUTS} timeouts: an overloaded moment, not an outage) only lets
 * its own request through, and the next one is checked again: a flood is exactly when limits must hold. When the
 * connection is down, or Redis has been silent that long, a WARN is logged and for {@code fail-open-for} afterwards
 * Redis is not asked at all, so an outage does not add the timeout to every request.
 *
 * <p>Buckets expire from Redis once they would be full again (plus 10 s), so idle callers leave nothing behind. Refills
 * are computed with Redis's clock ({@code TIME}), so replicas' clocks do not matter.
 *
 * <p><b>Empty buckets are remembered here</b> until the moment Redis said a token would be back: a flood from one key
 * is then answered without a round trip to Redis (one per token instead of one per request), which keeps the flood's
 * cost off other callers. This is exact, not an approximation: tokens only arrive by the refill, which Redis computed,
 * and other replicas can only take tokens, never add them, so no request refused from this memory would have found a
 * token in Redis. The moment is counted from when the check was sent, before Redis ran it, so it is never late.
 */
final class RedisTokenBuckets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);
    private static final Duration KEEP_FULL_BUCKETS = Duration.ofSeconds(10);

    /**
     * KEYS[1] the bucket (a hash: tokens, at µs); ARGV capacity, tokens per period, period µs, keep µs. Greedy refill
     * (tokens accrue continuously, as Bucket4j's refillGreedy), capped at capacity. Returns {1, 0} when a token was
     * spent, else {0, µs until one is there}.
     */
    static final String TAKE = """
            local capacity = tonumber(ARGV[1])
            local refill = tonumber(ARGV[2])
            local period = tonumber(ARGV[3])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1])
            local at = tonumber(state[2])
            if tokens == nil or at == nil then
              tokens = capacity
              at = now
            end
            if now > at then
              tokens = math.min(capacity, tokens + (now - at) * refill / period)
            end
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) * period / refill)
            end
            redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.0f', now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(((capacity - tokens) * period / refill + tonumber(ARGV[4])) / 1000))
            return {allowed, wait}
            """;
    /** At most this many empty buckets are remembered (a flood of made-up callers must not grow the heap). */
    static final int EMPTY_BUCKETS_REMEMBERED = 10_000;
    /** Redis silent for this many check timeouts (no answer to any check) counts as an outage. */
    static final int SILENT_TIMEOUTS = 4;

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

    private volatile StatefulConnection<String, String> connection;
    private volatile RedisScriptingAsyncCommands<String, String> scripting;
    /** {@link System#nanoTime()} before which Redis is not asked again after a failure; 0 when Redis answered last. */
    private volatile long failingOpenUntil;
    /** {@link System#nanoTime()} of the last answer Redis gave to any check (also one that came too late for its request). */
    private volatile long lastAnswer = System.nanoTime();
    /** Bucket key to the {@link System#nanoTime()} before which Redis said it holds no token. */
    private final Map<String, Long> emptyUntil = new ConcurrentHashMap<>();

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
        Long empty = emptyUntil.get(key);
        if (empty != null) {
            long left = empty - System.nanoTime();
            if (left > 0) {
                return new Verdict(Outcome.REJECTED, left);
            }
            emptyUntil.remove(key, empty);
        }
        long until = failingOpenUntil;
        if (until != 0 && System.nanoTime() - until < 0) {
            onUnchecked.run();
            return Verdict.UNCHECKED;
        }
        CompletableFuture<List<Object>> answer = null;
        try {
            RedisScriptingAsyncCommands<String, String> redis = scripting();
            StatefulConnection<String, String> current = connection;
            if (current == null || !current.isOpen()) {
                // Lettuce knows Redis is away: a command now would be queued and replayed on reconnect, spending a
                // token for a request that has long passed unchecked.
                return failOpen(null, new IllegalStateException("the connection to Redis is down"), true);
            }
            long sent = System.nanoTime();
            answer = redis.<List<Object>>eval(TAKE, ScriptOutputType.MULTI, new String[] {key},
                    Long.toString(limit.capacity()), Long.toString(limit.tokens()),
                    Long.toString(TimeUnit.NANOSECONDS.toMicros(limit.period().toNanos())),
                    Long.toString(TimeUnit.NANOSECONDS.toMicros(KEEP_FULL_BUCKETS.toNanos()))).toCompletableFuture();
            answer.thenRun(() -> lastAnswer = System.nanoTime());
            List<Object> probe = answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (failingOpenUntil != 0) {
                failingOpenUntil = 0;
                log.info("Rate limits are checked again: Redis answers");
            }
            if (((Long) probe.get(0)) == 1) {
                return Verdict.ALLOWED;
            }
            long wait = TimeUnit.MICROSECONDS.toNanos((Long) probe.get(1));
            if (emptyUntil.size() >= EMPTY_BUCKETS_REMEMBERED) {
                emptyUntil.clear(); // forgetting only costs round trips to Redis
            }
            emptyUntil.put(key, sent + wait);
            return new Verdict(Outcome.REJECTED, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failOpen(answer, e, false);
        } catch (java.util.concurrent.TimeoutException e) {
            return failOpen(answer, e, false);
        } catch (Exception e) {
            // Not a late answer: Redis refused, the connection failed, the script errored. Treated as an outage.
            return failOpen(answer, e, true);
        }
    }

    private Verdict failOpen(CompletableFuture<?> answer, Exception e, boolean outage) {
        if (answer != null) {
            answer.cancel(false);
        }
        if (!outage && System.nanoTime() - lastAnswer < SILENT_TIMEOUTS * timeout.toNanos()) {
            // Late, but Redis is answering: this request passes unchecked, the next one asks Redis again. The late
            // command stays on the connection (it may still spend its token); the connection is kept.
            onUnchecked.run();
            return Verdict.UNCHECKED;
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

    private RedisScriptingAsyncCommands<String, String> scripting() {
        RedisScriptingAsyncCommands<String, String> ready = scripting;
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (scripting == null) {
                AbstractRedisClient redis = client.get();
                if (redis instanceof RedisClusterClient cluster) {
                    var clustered = cluster.connect();
                    connection = clustered;
                    scripting = clustered.async();
                } else if (redis instanceof RedisClient standalone) {
                    var single = standalone.connect();
                    connection = single;
                    scripting = single.async();
                } else {
                    throw new IllegalStateException("no Lettuce client to keep rate limits in Redis: " + redis);
                }
            }
            return scripting;
        }
    }

    @Override
    public synchronized void close() {
        StatefulConnection<String, String> open = connection;
        scripting = null;
        connection = null;
        if (open != null) {
            open.closeAsync();
        }
    }
}
