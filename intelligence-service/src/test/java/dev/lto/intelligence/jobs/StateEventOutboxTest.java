package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.platform.streams.StreamTracing;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.messaging.Message;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox publishes jobs' events concurrently (one lane per job): every stored change reaches the
 * stream, each job's in sequence order, and a publish failure leaves exactly the unsent tail of each
 * job pending for the next flush. Real DuckDB store; the binder is a recording StreamBridge.
 */
class StateEventOutboxTest {

    @TempDir
    Path dir;

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    private JobRepository jobs;
    private StateEventOutbox outbox;

    @BeforeEach
    void setUp() {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-models.sql"),
                new ClassPathResource("schema-pipeline.sql")).execute(ds);
        StreamTracing tracing = new StreamTracing(OpenTelemetry.noop());
        jobs = new JobRepository(JdbcClient.create(ds), json, tracing, new JobViews(0));
        StreamBridge bridge = mock(StreamBridge.class);
        when(bridge.send(eq(StateEventOutbox.BINDING), any(Message.class))).thenAnswer(call -> {
            String eventId = (String) call.<Message<?>>getArgument(1).getHeaders().get(EventPublisher.EVENT_ID_HEADER);
            if (failOnce.remove(eventId)) {
                throw new IllegalStateException("XADD timed out");
            }
            sent.add(eventId);
            return true;
        });
        EventPublisher publisher = new EventPublisher(bridge, new dev.lto.platform.streams.EnvelopeCodec(json), tracing,
                UnaryOperator.identity());
        outbox = new StateEventOutbox(jobs, publisher, json, true);
    }

    /** n jobs, each SUBMITTED → VALIDATING → PREFLIGHT → QUEUED: 4 history rows per job. */
    private List<String> jobsWithFourEvents(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "job_%08x".formatted(i);
            jobs.insertIfAbsent(JobParameters.of(0.33, 30).withJobId(id), Instant.now(), "synthetic", "e" + i);
            jobs.updateState(id, JobState.SUBMITTED, JobState.VALIDATING, Instant.now(), null, false);
            jobs.updateState(id, JobState.VALIDATING, JobState.PREFLIGHT, Instant.now(), null, false);
            jobs.updateState(id, JobState.PREFLIGHT, JobState.QUEUED, Instant.now(), null, false);
            ids.add(id);
        }
        return ids;
    }

    private Map<String, List<Integer>> sequencesSentPerJob() {
        Map<String, List<Integer>> perJob = new LinkedHashMap<>();
        synchronized (sent) {
            for (String eventId : sent) {
                String[] parts = eventId.split("/");
                perJob.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
        }
        return perJob;
    }

    @Test
    void everyChangeIsPublishedOnceEachJobInSequenceAcrossChunks() {
        List<String> ids = jobsWithFourEvents(150); // 600 events: more than one 500-row chunk

        assertThat(outbox.flush()).isEqualTo(600);

        assertThat(sent).hasSize(600).doesNotHaveDuplicates();
        Map<String, List<Integer>> perJob = sequencesSentPerJob();
        assertThat(perJob.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        perJob.forEach((job, seqs) -> assertThat(seqs).as(job).containsExactly(1, 2, 3, 4));
        assertThat(jobs.unpublished(1000)).isEmpty();
        assertThat(outbox.flush()).isZero();
    }

    @Test
    void aFailedPublishLeavesEachJobsUnsentTailPendingAndTheNextFlushSendsItInOrder() {
        List<String> ids = jobsWithFourEvents(40);
        failOnce.add(ids.get(7) + "/2");

        int first = outbox.flush();

        assertThat(first).isLessThan(160);
        // The failing job sent only its first event; nothing after the failure went out ahead of it.
        assertThat(sequencesSentPerJob().get(ids.get(7))).containsExactly(1);
        List<String> pending = jobs.unpublished(1000).stream().map(p -> p.jobId() + "/" + p.change().sequence()).toList();
        assertThat(pending).contains(ids.get(7) + "/2", ids.get(7) + "/3", ids.get(7) + "/4");
        assertThat(pending.size() + first).isEqualTo(160);
        synchronized (sent) {
            assertThat(pending).as("pending and sent are disjoint").doesNotContainAnyElementsOf(sent);
        }

        assertThat(outbox.flush()).isEqualTo(160 - first);
        assertThat(sent).hasSize(160).doesNotHaveDuplicates();
        sequencesSentPerJob().forEach((job, seqs) -> assertThat(seqs).as(job).containsExactly(1, 2, 3, 4));
        assertThat(jobs.unpublished(1000)).isEmpty();
    }
}
