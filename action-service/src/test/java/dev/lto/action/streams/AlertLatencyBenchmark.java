package dev.lto.action.streams;

import static org.awaitility.Awaitility.await;

import dev.lto.action.LiveStreamsContext;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Measurement, not a test (runs only with {@code -Dlto.bench=true}): event → alert → WebSocket
 * frame latency over 1,000 BLOCKED events published to the event stream at a steady rate, each
 * timed from its XADD returning to its AlertFrame arriving at a real client. Command and numbers:
 * docs/benchmarks.md.
 */
@EnabledIfSystemProperty(named = "lto.bench", matches = "true")
class AlertLatencyBenchmark extends LiveStreamsContext {

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Test
    void eventToAlertFrameLatency() throws Exception {
        int events = Integer.getInteger("lto.bench.events", 1000);
        int perSecond = Integer.getInteger("lto.bench.rate", 20);
        FrameClient client = FrameClient.connect(HttpClient.newHttpClient(), "ws://localhost:" + port + "/ws/alerts");
        Map<String, Long> published = new ConcurrentHashMap<>();
        Map<String, Long> publishedWallMicros = new ConcurrentHashMap<>();
        String run = Long.toHexString(System.nanoTime() & 0xffff);
        long start = System.nanoTime();
        for (int i = 0; i < events + 20; i++) { // the first 20 warm the path up and are not counted
            String job = "job_b" + run + "_" + i;
            long due = start + i * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            var blocked = new JobStateChanged(job, JobState.PREFLIGHT, JobState.BLOCKED, 3, Instant.now(),
                    "profile 'strict' violated: yield_risk 0.42 above 0.30", "Resubmit with dose_mj_cm2=32.0");
            long before = System.nanoTime();
            long beforeWall = java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            publisher.publish(EVENTS, new EventEnvelope<>(job + "/3", EventTypes.JOB_STATE_CHANGED, 1, Instant.now(), job,
                    "bench", Map.of(), blocked));
            if (i >= 20) {
                published.put(job, before);
                publishedWallMicros.put(job, beforeWall);
            }
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> client.ofType("alert").stream()
                .filter(f -> published.containsKey(f.json().path("job_id").asString())).count() == events);
        client.close();
        List<Long> micros = new ArrayList<>();
        List<Long> engineMicros = new ArrayList<>();
        List<Long> deliveryMicros = new ArrayList<>();
        for (FrameClient.Frame f : client.ofType("alert")) {
            String job = f.json().path("job_id").asString();
            Long sent = published.get(job);
            if (sent != null) {
                micros.add((f.arrivedNanos() - sent) / 1000);
                // The frame's timestamp is the alert's fired_at: splits the path into engine and delivery.
                long fired = java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(f.json().get("timestamp").asString()));
                engineMicros.add(fired - publishedWallMicros.get(job));
                deliveryMicros.add(f.arrivedWallMillis() * 1000 - fired);
            }
        }
        engineMicros.sort(null);
        deliveryMicros.sort(null);
        micros.sort(null);
        System.out.printf("BENCH alert latency over %d events at %d/s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                micros.size(), perSecond, micros.get(micros.size() / 2) / 1000.0, micros.get((int) (micros.size() * 0.9)) / 1000.0,
                micros.get((int) (micros.size() * 0.99)) / 1000.0, micros.getLast() / 1000.0);
    }
}
