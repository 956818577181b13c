package dev.lto.platform.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.lto.contracts.events.EventEnvelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.Message;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stream hop of a trace, with an in-memory OpenTelemetry SDK standing where the agent is in
 * production: what a publisher puts in {@code trace_context} is what the consumer continues.
 */
class StreamTracingTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final EnvelopeCodec codec = new EnvelopeCodec(JsonMapper.builder().build());
    private final List<byte[]> sent = new ArrayList<>();
    private OpenTelemetrySdk sdk;

    @BeforeEach
    void sdk() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @AfterEach
    void close() {
        sdk.close();
    }

    @SuppressWarnings("unchecked")
    private EventPublisher publisher(OpenTelemetry otel) {
        StreamBridge bridge = mock(StreamBridge.class);
        when(bridge.send(eq("jobSubmissions-out-0"), any(Message.class))).thenAnswer(call -> {
            sent.add(((Message<byte[]>) call.getArgument(1)).getPayload());
            return true;
        });
        return new EventPublisher(bridge, codec, new StreamTracing(otel),
                binding -> "jobSubmissions-out-0".equals(binding) ? "lto.jobs.submitted" : binding);
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems()));
    }

    @Test
    void theConsumerContinuesThePublishersTraceAndNamesTheJobInTheMdc() {
        var tracer = sdk.getTracer("test");
        Span request = tracer.spanBuilder("POST /api/v1/jobs/submit").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            publisher(sdk).publish("jobSubmissions-out-0", EventEnvelope.of("job.submitted", "job_1", "test", Map.of("a", 1)));
        } finally {
            request.end();
        }
        EventEnvelope<Object> received = codec.read(sent.getFirst(), Object.class);
        SpanData publish = span("lto.jobs.submitted publish");
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(received.traceContext().get("traceparent"))
                .isEqualTo("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-01");

        var tracing = new StreamTracing(sdk);
        AtomicReference<String> jobInMdc = new AtomicReference<>();
        tracing.process("lto.jobs.submitted", received, "job_1", () -> {
            jobInMdc.set(MDC.get(StreamTracing.JOB_ID));
            tracing.inSpan("job.validate", "job_1", () -> null);
        });
        SpanData process = span("lto.jobs.submitted process");
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(span("job.validate").getParentSpanId()).isEqualTo(process.getSpanId());
        assertThat(jobInMdc.get()).isEqualTo("job_1");
        assertThat(MDC.get(StreamTracing.JOB_ID)).as("MDC cleared after the job's work").isNull();
    }

    @Test
    void anEnvelopeThatCarriesAContextIsPublishedInItsTraceNotTheCurrentOne() {
        // The outbox: a history row stored the context of the stage that produced it; the sweep publishes it later.
        var tracer = sdk.getTracer("test");
        Span stage = tracer.spanBuilder("job.evaluate").startSpan();
        Map<String, String> stored;
        try (Scope ignored = stage.makeCurrent()) {
            stored = new StreamTracing(sdk).currentContext();
        } finally {
            stage.end();
        }
        Span sweep = tracer.spanBuilder("StateEventOutbox.sweep").startSpan();
        try (Scope ignored = sweep.makeCurrent()) {
            publisher(sdk).publish("jobSubmissions-out-0",
                    EventEnvelope.of("job.state_changed", "job_1", "test", Map.of()).withTraceContext(stored));
        } finally {
            sweep.end();
        }
        SpanData publish = span("lto.jobs.submitted publish");
        assertThat(publish.getTraceId()).isEqualTo(stage.getSpanContext().getTraceId());
        assertThat(publish.getParentSpanId()).isEqualTo(stage.getSpanContext().getSpanId());
    }

    @Test
    void withoutTheAgentNothingIsRecordedAndTheEnvelopeCarriesNoContext() {
        publisher(OpenTelemetry.noop()).publish("jobSubmissions-out-0", EventEnvelope.of("job.submitted", "job_1", "test", Map.of()));
        assertThat(codec.read(sent.getFirst(), Object.class).traceContext()).isEmpty();
        var ran = new AtomicReference<String>();
        new StreamTracing(OpenTelemetry.noop()).process("lto.jobs.submitted",
                codec.read(sent.getFirst(), Object.class), "job_1", () -> ran.set(MDC.get(StreamTracing.JOB_ID)));
        assertThat(ran.get()).as("job_id is logged with or without the agent").isEqualTo("job_1");
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void workHandedToAnotherThreadContinuesTheStoredContextWithoutASpanOfItsOwn() throws Exception {
        var tracing = new StreamTracing(sdk);
        var tracer = sdk.getTracer("test");
        Span received = tracer.spanBuilder("lto.jobs.submitted process").startSpan();
        Map<String, String> stored;
        try (Scope ignored = received.makeCurrent()) {
            stored = tracing.currentContext();
        } finally {
            received.end();
        }
        AtomicReference<String> mdcJob = new AtomicReference<>();
        // Later, on another thread with nothing current (the batch intake's stage thread).
        Thread t = Thread.ofPlatform().start(() -> tracing.inContext(stored, "job_7", () ->
                tracing.inSpan("job.validate", "job_7", () -> {
                    mdcJob.set(MDC.get(StreamTracing.JOB_ID));
                    return null;
                })));
        t.join();

        SpanData validate = span("job.validate");
        assertThat(validate.getTraceId()).isEqualTo(received.getSpanContext().getTraceId());
        assertThat(validate.getParentSpanId()).isEqualTo(received.getSpanContext().getSpanId());
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("lto.jobs.submitted process", "job.validate");
        assertThat(mdcJob.get()).isEqualTo("job_7");
    }
}
