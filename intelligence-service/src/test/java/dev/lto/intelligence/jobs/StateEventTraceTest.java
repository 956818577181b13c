package dev.lto.intelligence.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.platform.streams.StreamTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox's half of a job's trace: a history row keeps the context of the span that made the
 * transition, the pending event hands it to the publisher, and later work on the job (dispatch,
 * resume) finds the latest one. An in-memory SDK stands where the agent is in production.
 */
class StateEventTraceTest {

    @TempDir
    Path dir;

    private OpenTelemetrySdk sdk;
    private JobRepository jobs;

    @BeforeEach
    void setUp() {
        SingleConnectionDataSource ds = new SingleConnectionDataSource("jdbc:duckdb:" + dir.resolve("lto.duckdb"), true);
        ds.setDriverClassName("org.duckdb.DuckDBDriver");
        // schema-pipeline.sql: unpublished() joins preflight_decisions for a BLOCKED change's best alternative.
        new ResourceDatabasePopulator(new ClassPathResource("schema.sql"), new ClassPathResource("schema-models.sql"),
                new ClassPathResource("schema-pipeline.sql")).execute(ds);
        sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        jobs = new JobRepository(JdbcClient.create(ds), JsonMapper.builder().build(), new StreamTracing(sdk), new JobViews(0));
    }

    @AfterEach
    void close() {
        sdk.close();
    }

    private String traceparent(Span span) {
        return "00-" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId() + "-01";
    }

    @Test
    void eachHistoryRowCarriesTheContextOfTheWorkThatWroteIt() {
        var tracer = sdk.getTracer("test");
        JobParameters p = JobParameters.of(0.33, 30).withJobId("job_00000001");
        Span intake = tracer.spanBuilder("lto.jobs.submitted process").startSpan();
        try (Scope ignored = intake.makeCurrent()) {
            jobs.insertIfAbsent(p, Instant.now(), "synthetic", "e1");
        } finally {
            intake.end();
        }
        Span validate = tracer.spanBuilder("job.validate").startSpan();
        try (Scope ignored = validate.makeCurrent()) {
            jobs.updateState(p.jobId(), JobState.SUBMITTED, JobState.VALIDATING, Instant.now(), null, false);
        } finally {
            validate.end();
        }
        // Outside any span (a sweep): the row has no context, the pending events still have theirs.
        jobs.updateState(p.jobId(), JobState.VALIDATING, JobState.REJECTED, Instant.now(), "test", true);

        var pending = jobs.unpublished(10);
        assertThat(pending).extracting(e -> e.traceContext().get("traceparent"))
                .containsExactly(traceparent(intake), traceparent(validate), null);
        assertThat(jobs.traceContext(p.jobId())).as("latest transition that had a context")
                .containsEntry("traceparent", traceparent(validate));
        assertThat(jobs.traceContext("job_unknown")).isEmpty();
    }

    @Test
    void aBatchKeepsEachSubmissionsOwnContextOnItsFirstRow() {
        var tracer = sdk.getTracer("test");
        Span a = tracer.spanBuilder("lto.jobs.submitted process").startSpan();
        Span b = tracer.spanBuilder("lto.jobs.submitted process").startSpan();
        a.end();
        b.end();
        JobParameters pa = JobParameters.of(0.33, 30).withJobId("job_0000000a");
        JobParameters pb = JobParameters.of(0.33, 31).withJobId("job_0000000b");
        JobParameters pc = JobParameters.of(0.33, 32).withJobId("job_0000000c");
        // Stored outside any span (the batch transaction): each row gets its submission's context, not the current one.
        jobs.insertAllIfAbsent(List.of(
                new JobRepository.NewJob(pa, Instant.now(), "synthetic", "ea", Map.of("traceparent", traceparent(a)), null),
                new JobRepository.NewJob(pb, Instant.now(), "synthetic", "eb", Map.of("traceparent", traceparent(b)), null),
                new JobRepository.NewJob(pc, Instant.now(), "synthetic", "ec", Map.of(), null)));

        assertThat(jobs.unpublished(10)).extracting(e -> e.jobId() + " " + e.traceContext().get("traceparent"))
                .containsExactly("job_0000000a " + traceparent(a), "job_0000000b " + traceparent(b), "job_0000000c null");
        assertThat(jobs.traceContext(pa.jobId())).containsEntry("traceparent", traceparent(a));
        assertThat(jobs.traceContext(pc.jobId())).isEmpty();
    }
}
