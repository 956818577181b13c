package dev.lto.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.platform.ratelimit.RateLimitProperties.Limit;
import dev.lto.testsupport.TestRedis;
import dev.lto.testsupport.TestRedisExtension;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The filter against a real Redis: each "replica" is a filter with its own Lettuce client and connection, as two service
 * processes would have. Callers are set the way Spring Security sets them, by a request wrapper answering
 * {@code getUserPrincipal()} and {@code isUserInRole()}.
 */
@ExtendWith(TestRedisExtension.class)
class RateLimitFilterTest {

    /** 3 at once, then one every 10 s: a burst of 5 gets 2 refusals, each told to come back in 10 s. */
    private static final Limit SUBMIT = new Limit(3, 1, Duration.ofSeconds(10));

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Replica> replicas = new ArrayList<>();
    /** Per run: buckets of an earlier run in the same Redis must not count. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private RateLimitProperties properties;

    @BeforeEach
    void limits() {
        properties = new RateLimitProperties(true, Map.of(EndpointClass.SUBMIT, SUBMIT),
                Map.of(CallerRole.ENGINEER, Map.of(EndpointClass.SUBMIT, new Limit(6, 1, Duration.ofSeconds(10)))),
                Duration.ofMillis(500), Duration.ofMillis(300));
    }

    @AfterEach
    void close() {
        replicas.forEach(Replica::close);
    }

    @Test
    void aBurstOverTheLimitGets429WithRetryAfterAndAProblem() throws Exception {
        Replica replica = replica();
        List<MockHttpServletResponse> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(replica.send(submit(caller("alice"), "SUBMITTER")));
        }
        assertThat(answers).extracting(MockHttpServletResponse::getStatus).containsExactly(200, 200, 200, 429, 429);
        assertThat(replica.passed.get()).isEqualTo(3);
        MockHttpServletResponse refused = answers.get(3);
        // One token per 10 s, the first spent a moment ago: the next is 9.x s away, rounded up to 10.
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isEqualTo(10);
        assertThat(refused.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = json.readTree(refused.getContentAsString());
        assertThat(problem.get("type").asString()).isEqualTo("https://lto.dev/problems/rate-limited");
        assertThat(problem.get("status").asInt()).isEqualTo(429);
        assertThat(problem.get("endpoint_class").asString()).isEqualTo("submit");
        assertThat(problem.get("retry_after_s").asLong()).isEqualTo(10);
        assertThat(problem.get("instance").asString()).isEqualTo("/api/v1/jobs/submit");
        assertThat(replica.rejected).containsExactly("submit/submitter", "submit/submitter");
    }

    @Test
    void anotherCallerAndAnotherClassKeepTheirOwnBudget() throws Exception {
        Replica replica = replica();
        for (int i = 0; i < 4; i++) {
            replica.send(submit(caller("alice"), "SUBMITTER"));
        }
        assertThat(replica.send(submit(caller("alice"), "SUBMITTER")).getStatus()).isEqualTo(429);
        for (int i = 0; i < 3; i++) {
            assertThat(replica.send(submit(caller("bob"), "SUBMITTER")).getStatus()).as("bob's submission %d", i).isEqualTo(200);
        }
        var read = new MockHttpServletRequest("GET", "/api/v1/jobs/job_1234abcd");
        read.setServletPath("/api/v1/jobs/job_1234abcd");
        assertThat(replica.send(new Caller(read, caller("alice"), Set.of("SUBMITTER"))).getStatus()).isEqualTo(200);
    }

    @Test
    void rolesHaveTheirOwnLimits() throws Exception {
        Replica replica = replica();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            statuses.add(replica.send(submit(caller("erin"), "ENGINEER", "SUBMITTER")).getStatus());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200, 429);
    }

    @Test
    void twoReplicasShareOneBudget() throws Exception {
        Replica a = replica();
        Replica b = replica();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add((i % 2 == 0 ? a : b).send(submit(caller("carol"), "SUBMITTER")).getStatus());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429, 429);
        assertThat(a.passed.get() + b.passed.get()).isEqualTo(3);
    }

    /**
     * A flood on one bucket from two replicas, 16 threads each: every request gets an answer from Redis in time (none
     * passes unchecked) and exactly the bucket's capacity passes. (Bucket4j's compare-and-swap retried under this
     * contention until the check ran past its timeout, and the limiter then failed open for everyone.)
     */
    @Test
    void aConcurrentFloodOnOneBucketIsCountedExactlyAndNeverPassesUnchecked() throws Exception {
        Limit limit = new Limit(200, 1, Duration.ofHours(1));
        Replica a = replica();
        Replica b = replica();
        String key = "lto:rate-limit:test:" + caller("flood");
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger unchecked = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            RedisTokenBuckets buckets = (t % 2 == 0 ? a : b).buckets;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 25; i++) {
                    switch (buckets.take(key, limit).outcome()) {
                        case ALLOWED -> allowed.incrementAndGet();
                        case REJECTED -> rejected.incrementAndGet();
                        case UNCHECKED -> unchecked.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(unchecked).hasValue(0);
        assertThat(allowed).hasValue(200);
        assertThat(rejected).hasValue(600);
    }

    /**
     * Redis busy for a moment (a script that spins 0.8 s, past the check's 0.5 s timeout) on a live connection: that request passes unchecked,
     * the next one after Redis answers again is checked (it used to open the fail-open window for everyone).
     */
    @Test
    void oneLateAnswerLetsOnlyItsOwnRequestThroughUnchecked(TestRedis redis) throws Exception {
        Replica replica = replica();
        assertThat(replica.send(submit(caller("gina"), "SUBMITTER")).getStatus()).isEqualTo(200);
        Thread sleeper = Thread.ofPlatform().start(() -> redis.command("EVAL", "local t = redis.call('TIME') "
                + "local t0 = t[1] * 1000000 + t[2] while true do local n = redis.call('TIME') "
                + "if n[1] * 1000000 + n[2] - t0 > 800000 then return 1 end end", "0"));
        Thread.sleep(100);
        assertThat(replica.send(submit(caller("gina"), "SUBMITTER")).getStatus()).isEqualTo(200);
        assertThat(replica.unchecked.get()).isEqualTo(1);
        sleeper.join();
        // Redis answers again: the next requests are checked (3 at once; the late one's token may or may not have been spent).
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(replica.send(submit(caller("gina"), "SUBMITTER")).getStatus());
        }
        assertThat(replica.unchecked.get()).as("only the late request passed unchecked").isEqualTo(1);
        assertThat(statuses).contains(429);
    }

    /**
     * After a 429 the limiter knows the bucket is empty until Redis said a token is back, and answers further requests
     * in that time itself: the bucket deleted from Redis behind its back (as a full bucket would look) does not let
     * them through, so Redis was not asked. The first request after that moment is asked again and passes.
     */
    @Test
    void anEmptyBucketIsAnsweredWithoutRedisUntilItsNextTokenIsDue(TestRedis redis) throws Exception {
        Limit oneEvery800ms = new Limit(1, 1, Duration.ofMillis(800));
        properties = new RateLimitProperties(true, Map.of(EndpointClass.SUBMIT, oneEvery800ms), Map.of(),
                Duration.ofMillis(500), Duration.ofMillis(300));
        Replica replica = replica();
        long start = System.nanoTime();
        assertThat(replica.send(submit(caller("henry"), "SUBMITTER")).getStatus()).isEqualTo(200);
        assertThat(replica.send(submit(caller("henry"), "SUBMITTER")).getStatus()).isEqualTo(429);
        redis.command("DEL", "lto:rate-limit:submit:" + oneEvery800ms.tag() + ":key:" + caller("henry"));
        MockHttpServletResponse fromMemory = replica.send(submit(caller("henry"), "SUBMITTER"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("this test's timing needs the first three within 0.8 s")
                .isLessThan(Duration.ofMillis(700));
        assertThat(fromMemory.getStatus()).isEqualTo(429);
        assertThat(fromMemory.getHeader("Retry-After")).isEqualTo("1");
        assertThat(replica.rejected).hasSize(2);
        Thread.sleep(850);
        assertThat(replica.send(submit(caller("henry"), "SUBMITTER")).getStatus()).isEqualTo(200);
        assertThat(replica.unchecked.get()).isZero();
    }

    @Test
    void withoutAPrincipalTheClientAddressIsTheCaller() throws Exception {
        Replica replica = replica();
        String address = "10.9." + (Math.abs(run.hashCode()) % 250) + ".";
        for (int i = 0; i < 3; i++) {
            assertThat(replica.send(anonymous(address + "1")).getStatus()).isEqualTo(200);
        }
        assertThat(replica.send(anonymous(address + "1")).getStatus()).isEqualTo(429);
        assertThat(replica.send(anonymous(address + "2")).getStatus()).isEqualTo(200);
        assertThat(replica.rejected).containsExactly("submit/anonymous");
    }

    @Test
    void pathsOutsideTheApiAreNotLimited() throws Exception {
        Replica replica = replica();
        for (int i = 0; i < 10; i++) {
            var health = new MockHttpServletRequest("GET", "/actuator/health");
            health.setServletPath("/actuator/health");
            assertThat(replica.send(new Caller(health, caller("dave"), Set.of("VIEWER"))).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void whenRedisIsDownRequestsPassUncheckedAndLimitsComeBackWithIt(TestRedis redis) throws Exception {
        Replica replica = replica();
        // Two of three tokens spent: the bucket is not empty, so nothing is remembered here and only Redis can answer.
        for (int i = 0; i < 2; i++) {
            assertThat(replica.send(submit(caller("frank"), "SUBMITTER")).getStatus()).isEqualTo(200);
        }
        redis.stop();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                assertThat(replica.send(submit(caller("frank"), "SUBMITTER")).getStatus()).as("request %d with Redis down", i)
                        .isEqualTo(200);
            }
            assertThat(replica.unchecked.get()).isEqualTo(5);
            // Only the first waits for Redis; the others pass at once while failing open.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            redis.start();
        }
        // Redis came back empty (nothing persisted): a fresh budget of 3, then refusals again.
        Thread.sleep(properties.failOpenFor().toMillis() + 50);
        List<Integer> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (statuses.size() < 4 && System.nanoTime() < deadline) {
            int before = replica.unchecked.get();
            int status = replica.send(submit(caller("frank"), "SUBMITTER")).getStatus();
            if (replica.unchecked.get() == before) {
                statuses.add(status);
            } else {
                Thread.sleep(properties.failOpenFor().toMillis() + 50);
            }
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(RateLimitFilter.retryAfterSeconds(0)).isEqualTo(1);
        assertThat(RateLimitFilter.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(RateLimitFilter.retryAfterSeconds(1_000_000_000L)).isEqualTo(1);
        assertThat(RateLimitFilter.retryAfterSeconds(1_000_000_001L)).isEqualTo(2);
        assertThat(RateLimitFilter.retryAfterSeconds(9_400_000_000L)).isEqualTo(10);
    }

    private String caller(String name) {
        return name + "-" + run;
    }

    private static Caller submit(String principal, String... roles) {
        var request = new MockHttpServletRequest("POST", "/api/v1/jobs/submit");
        request.setServletPath("/api/v1/jobs/submit");
        return new Caller(request, principal, Set.of(roles));
    }

    private static HttpServletRequest anonymous(String address) {
        var request = new MockHttpServletRequest("POST", "/api/v1/jobs/submit");
        request.setServletPath("/api/v1/jobs/submit");
        request.setRemoteAddr(address);
        return request;
    }

    /** What an authentication filter hands on: the wrapped request answers who the caller is and its roles. */
    static final class Caller extends HttpServletRequestWrapper {
        private final Principal principal;
        private final Set<String> roles;

        Caller(HttpServletRequest request, String name, Set<String> roles) {
            super(request);
            this.principal = () -> name;
            this.roles = roles;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            return roles.contains(role);
        }
    }

    private Replica replica() {
        Replica replica = new Replica(TestRedis.shared(), properties, json);
        replicas.add(replica);
        return replica;
    }

    /** One service instance's limiter: its own Lettuce client on the shared Redis. */
    private static final class Replica {
        final LettuceConnectionFactory redis;
        final RedisTokenBuckets buckets;
        final RateLimitFilter filter;
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger unchecked = new AtomicInteger();
        final List<String> rejected = new ArrayList<>();

        Replica(TestRedis testRedis, RateLimitProperties properties, JsonMapper json) {
            redis = new LettuceConnectionFactory(new RedisStandaloneConfiguration(testRedis.host(), testRedis.port()));
            redis.afterPropertiesSet();
            redis.start();
            buckets = new RedisTokenBuckets(redis::getRequiredNativeClient, properties.redisTimeout(), properties.failOpenFor(),
                    unchecked::incrementAndGet);
            filter = new RateLimitFilter(properties, buckets, json,
                    (endpointClass, role) -> rejected.add(endpointClass.label() + "/" + role.label()));
        }

        MockHttpServletResponse send(HttpServletRequest request) throws Exception {
            var response = new MockHttpServletResponse();
            filter.doFilter(request, response, (req, res) -> passed.incrementAndGet());
            return response;
        }

        void close() {
            buckets.close();
            redis.destroy();
        }
    }
}
