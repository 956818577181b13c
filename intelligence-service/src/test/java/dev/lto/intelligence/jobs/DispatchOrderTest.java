package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobPriority;
import dev.lto.contracts.JobState;
import dev.lto.platform.streams.StreamTracing;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import tools.jackson.databind.json.JsonMapper;

/** The dispatcher's order: priority rank plus aging, retry back-off respected, ingested jobs left alone. */
class DispatchOrderTest {

    @TempDir
    Path dir;

    private JobRepository jobs;
    private PipelineRepository pipeline;
    private JdbcClient jdbc;
    private final Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @BeforeEach
    void schema() {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-models.sql"),
                new ClassPathResource("schema-pipeline.sql")).execute(ds);
        jdbc = JdbcClient.create(ds);
        JsonMapper json = JsonMapper.builder().build();
        jobs = new JobRepository(jdbc, json, new StreamTracing(OpenTelemetry.noop()), new JobViews(0));
        pipeline = new PipelineRepository(jdbc, json);
    }

    private void queued(String id, JobPriority priority, Duration waited) {
        queued(id, priority, waited, true);
    }

    private void queued(String id, JobPriority priority, Duration waited, boolean surrogate) {
        JobParameters base = JobParameters.of(0.33, 30).withJobId(id);
        JobParameters p = new JobParameters(id, base.na(), null, base.doseMjCm2(), null, null, null, null, surrogate, null,
                null, null, null, null);
        jobs.insertIfAbsent(p, now.minus(waited), "synthetic", "e-" + id);
        jobs.updateState(id, JobState.SUBMITTED, JobState.QUEUED, now, null, false);
        pipeline.enqueue(id, priority, now.minus(waited));
    }

    @Test
    void higherPriorityFirstAmongEquallyOldJobs() {
        queued("job_low", JobPriority.LOW, Duration.ZERO);
        queued("job_critical", JobPriority.CRITICAL, Duration.ZERO);
        queued("job_normal", JobPriority.NORMAL, Duration.ZERO);
        assertThat(pipeline.dispatchable(now, 60, 10, null)).extracting(PipelineRepository.Dispatch::jobId)
                .containsExactly("job_critical", "job_normal", "job_low");
    }

    @Test
    void waitingLongEnoughOvertakesHigherPriorities() {
        // Aging 60 s per rank: LOW (0) after 4 min scores 4 > CRITICAL (3) just queued.
        queued("job_critical", JobPriority.CRITICAL, Duration.ZERO);
        queued("job_low_old", JobPriority.LOW, Duration.ofMinutes(4));
        queued("job_low_recent", JobPriority.LOW, Duration.ofMinutes(2));
        assertThat(pipeline.dispatchable(now, 60, 10, null)).extracting(PipelineRepository.Dispatch::jobId)
                .containsExactly("job_low_old", "job_critical", "job_low_recent");
    }

    @Test
    void aJobInRetryBackOffOrWithAnIngestedResultIsNotDue() {
        queued("job_backoff", JobPriority.CRITICAL, Duration.ZERO);
        pipeline.markRetry("job_backoff", now.plusSeconds(30), "boom");
        queued("job_ingested", JobPriority.HIGH, Duration.ZERO);
        jdbc.sql("INSERT INTO simulation_results (job_id, source, worker, received_at, result) VALUES (?, 'ingest', 'x', ?, '{}')")
                .params("job_ingested", LocalDateTime.ofInstant(now, ZoneOffset.UTC)).update();
        queued("job_ok", JobPriority.LOW, Duration.ZERO);
        assertThat(pipeline.dispatchable(now, 60, 10, null)).extracting(PipelineRepository.Dispatch::jobId).containsExactly("job_ok");
        assertThat(pipeline.dispatchable(now.plusSeconds(31), 60, 10, null)).extracting(PipelineRepository.Dispatch::jobId)
                .containsExactly("job_backoff", "job_ok");
    }

    @Test
    void onlyQueuedJobsAreDispatchableAndTheLimitHolds() {
        queued("job_a", JobPriority.NORMAL, Duration.ofSeconds(3));
        queued("job_b", JobPriority.NORMAL, Duration.ofSeconds(2));
        queued("job_c", JobPriority.NORMAL, Duration.ofSeconds(1));
        jobs.updateState("job_a", JobState.QUEUED, JobState.CANCELLED, now, "test", true);
        assertThat(pipeline.dispatchable(now, 60, 1, null)).extracting(PipelineRepository.Dispatch::jobId).containsExactly("job_b");
    }

    @Test
    void eachPoolTakesItsOwnJobsSoAFullPoolNeverIdlesTheOther() {
        // With CPU and GPU pools, full-Abbe jobs belong to the GPU pool, surrogate jobs to the CPU pool.
        PipelineProperties both = new PipelineProperties(2, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(60), 2, 4);
        queued("job_abbe_critical", JobPriority.CRITICAL, Duration.ZERO, false);
        queued("job_abbe_high", JobPriority.HIGH, Duration.ZERO, false);
        queued("job_surrogate_low", JobPriority.LOW, Duration.ZERO, true);
        assertThat(pipeline.dispatchable(now, 60, 1, both.surrogateJobsOf("cpu"))).extracting(PipelineRepository.Dispatch::jobId)
                .containsExactly("job_surrogate_low");
        assertThat(pipeline.dispatchable(now, 60, 5, both.surrogateJobsOf("gpu"))).extracting(PipelineRepository.Dispatch::jobId)
                .containsExactly("job_abbe_critical", "job_abbe_high");
        PipelineProperties cpuOnly = new PipelineProperties(2, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(60), 2, 0);
        assertThat(pipeline.dispatchable(now, 60, 5, cpuOnly.surrogateJobsOf("cpu"))).hasSize(3);
    }
}
