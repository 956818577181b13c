package dev.lto.action.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobState;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobStateChanged;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.action.LiveStreamsContext;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code /ws/metrics} at the seed's real 5 s beat, read by a real WebSocket client: the interval,
 * the exact field set, and values that come from what happened (events on the stream, the trends
 * API of a stand-in intelligence service, the health checks). Counts are compared with the first
 * frame: other tests share this running service.
 */
class MetricStreamIntegrationTest extends LiveStreamsContext {

    static final Set<String> FRAME_FIELDS = Set.of("timestamp", "frame_type", "system_health", "active_jobs", "jobs_per_minute",
            "tradeoff_scores", "alerts_active", "gpu_utilization");

    @LocalServerPort
    int port;

    @Autowired
    EventPublisher publisher;

    @Test
    void aFrameEveryFiveSecondsWithExactlyTheSeedFieldsFromRealData() {
        FrameClient client = FrameClient.connect(HttpClient.newHttpClient(), "ws://localhost:" + port + "/ws/metrics");
        long activeBefore;
        try {
            await().atMost(Duration.ofSeconds(8)).until(() -> client.frames.size() >= 1);
            JsonNode first = client.frames.getFirst().json();
            assertThat(first.has("gpu_utilization")).as("gpu_utilization is sent, as null").isTrue();
            assertThat(first.get("gpu_utilization").isNull()).as("no GPU worker reported: null, not a number").isTrue();
            activeBefore = first.get("active_jobs").asLong();

            String blocked = "job_wsm" + System.nanoTime() % 100000 + "b";
            String running = "job_wsm" + System.nanoTime() % 100000 + "r";
            publish(blocked, JobState.SUBMITTED, JobState.VALIDATING, JobState.PREFLIGHT, JobState.BLOCKED);
            publish(running, JobState.SUBMITTED, JobState.VALIDATING, JobState.PREFLIGHT, JobState.QUEUED, JobState.RUNNING);
            var progress = new MetricSnapshot(running, Instant.now(), "physics", "imaging", 0.4, 1.2, 0.7, null, Map.of());
            publisher.publish(EVENTS, new EventEnvelope<>(running + "/progress/1", EventTypes.SIMULATION_PROGRESS, 1,
                    Instant.now(), running, "test", Map.of(), progress));

            await().atMost(Duration.ofSeconds(25)).until(() -> client.frames.size() >= 4);
        } finally {
            client.close();
        }

        List<FrameClient.Frame> frames = new ArrayList<>(client.frames);
        for (int i = 1; i < frames.size(); i++) {
            long gapMs = (frames.get(i).arrivedNanos() - frames.get(i - 1).arrivedNanos()) / 1_000_000;
            assertThat(gapMs).as("gap before frame %d", i).isBetween(4500L, 5500L);
        }
        for (FrameClient.Frame f : frames) {
            JsonNode json = f.json();
            assertThat(fieldNames(json)).as(f.text()).isEqualTo(FRAME_FIELDS);
            assertThat(json.get("frame_type").asString()).isEqualTo("metrics");
            assertThat(Instant.parse(json.get("timestamp").asString())).isBefore(Instant.now());
            assertThat(fieldNames(json.get("tradeoff_scores"))).isEqualTo(Set.of("speed_vs_accuracy", "yield_risk", "compute_efficiency"));
            json.get("tradeoff_scores").forEach(score -> {
                assertThat(fieldNames(score)).isEqualTo(Set.of("current", "trend"));
                assertThat(score.get("trend").asString()).isIn("stable", "improving", "degrading");
            });
        }

        JsonNode last = frames.getLast().json();
        assertThat(last.get("system_health").asDouble()).as("health from the checks: a peer answering UP, Redis up").isBetween(0.5, 1.0);
        assertThat(last.get("active_jobs").asLong()).as("the running job; the blocked one ended").isEqualTo(activeBefore + 1);
        // At least the one ended now (jobs other tests ended more than 5 minutes ago may have left the window).
        assertThat(last.get("jobs_per_minute").asDouble()).as("one more job ended in the last 5 minutes").isGreaterThanOrEqualTo(0.2);
        assertThat(last.get("gpu_utilization").asDouble()).as("what the simulator reported").isEqualTo(0.7);
        assertThat(last.get("alerts_active").asLong()).isGreaterThanOrEqualTo(0);
        JsonNode scores = last.get("tradeoff_scores");
        assertThat(scores.at("/speed_vs_accuracy/current").asDouble()).as("mean of the latest bucket with jobs").isEqualTo(0.82);
        assertThat(scores.at("/speed_vs_accuracy/trend").asString()).isEqualTo("improving");
        assertThat(scores.at("/yield_risk/trend").asString()).isEqualTo("degrading");
        assertThat(scores.at("/compute_efficiency/current").asDouble()).as("cost_vs_fidelity").isEqualTo(0.61);
        assertThat(TRENDS_QUERY.get()).contains("bucket=10m").contains("signal=speed_vs_accuracy,yield_risk,cost_vs_fidelity");
    }

    private void publish(String job, JobState... path) {
        for (int i = 0; i < path.length; i++) {
            var change = new JobStateChanged(job, i == 0 ? null : path[i - 1], path[i], i + 1, Instant.now(), null);
            publisher.publish(EVENTS, new EventEnvelope<>(job + "/" + (i + 1), EventTypes.JOB_STATE_CHANGED, 1, Instant.now(),
                    job, "test", Map.of(), change));
        }
    }

    static Set<String> fieldNames(JsonNode node) {
        return Set.copyOf(node.propertyNames());
    }
}
