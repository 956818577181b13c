package dev.lto.platform.streams;

import dev.lto.contracts.events.EventEnvelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Carries a job's trace across the Redis Streams hops, which the OpenTelemetry Java agent does not
 * instrument: the publisher's span travels as W3C headers in the envelope's {@code trace_context},
 * and the consumer continues it. Works through the OpenTelemetry API only, which is a no-op without
 * the agent: then no span is recorded and {@code trace_context} stays empty (docs/tracing.md).
 * Also puts {@code job_id} in the logging MDC for the work of one job, so every log line of it
 * names the job; the agent adds {@code trace_id} and {@code span_id} beside it.
 */
public final class StreamTracing {

    /** MDC key of the job a log line belongs to. */
    public static final String JOB_ID = "job_id";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> LTO_JOB_ID = AttributeKey.stringKey("lto.job_id");

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final OpenTelemetry otel;
    private final Tracer tracer;

    public StreamTracing(OpenTelemetry otel) {
        this.otel = otel;
        this.tracer = otel.getTracer("dev.lto.streams");
    }

    /** The W3C headers of the current span; empty when there is none (no agent, or outside any traced work). */
    public Map<String, String> currentContext() {
        return headersOf(Context.current());
    }

    /**
     * Handles one consumed message in a CONSUMER span {@code "<stream> process"} whose parent is the
     * publisher's span carried in the envelope, with {@code jobId} (may be null) in the MDC.
     */
    public void process(String stream, EventEnvelope<?> envelope, String jobId, Runnable work) {
        Span span = tracer.spanBuilder(stream + " process").setSpanKind(SpanKind.CONSUMER)
                .setParent(contextOf(envelope.traceContext()))
                .setAttribute(MESSAGING_SYSTEM, "redis").setAttribute(DESTINATION, stream).setAttribute(OPERATION, "process")
                .setAttribute(MESSAGE_ID, envelope.eventId())
                .startSpan();
        run(span, jobId, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs one step of a job's work in an INTERNAL span named {@code name}, child of {@code parent}
     * (the W3C headers stored with the job, when the work does not come from one of its messages:
     * dispatch, retry, resume) or of the current span when {@code parent} is null or empty.
     */
    public <T> T inSpan(String name, Map<String, String> parent, String jobId, Supplier<T> work) {
        Context parentContext = parent == null || parent.isEmpty() ? Context.current() : contextOf(parent);
        var builder = tracer.spanBuilder(name).setParent(parentContext);
        if (jobId != null) {
            builder.setAttribute(LTO_JOB_ID, jobId);
        }
        return run(builder.startSpan(), jobId, work);
    }

    /** {@link #inSpan(String, Map, String, Supplier)} as a child of the current span. */
    public <T> T inSpan(String name, String jobId, Supplier<T> work) {
        return inSpan(name, null, jobId, work);
    }

    /**
     * Runs {@code work} with the stored W3C headers {@code context} as the current context, without a
     * span of its own (the steps of the work open theirs as its children), and {@code jobId} in the MDC.
     * For work on a job handed to another thread after its message was handled (the batch intake).
     */
    public <T> T inContext(Map<String, String> context, String jobId, Supplier<T> work) {
        Context parent = context == null || context.isEmpty() ? Context.current() : contextOf(context);
        String previousJob = MDC.get(JOB_ID);
        if (jobId != null) {
            MDC.put(JOB_ID, jobId);
        }
        try (Scope ignored = parent.makeCurrent()) {
            return work.get();
        } finally {
            if (previousJob != null) {
                MDC.put(JOB_ID, previousJob);
            } else if (jobId != null) {
                MDC.remove(JOB_ID);
            }
        }
    }

    /**
     * Starts the PRODUCER span of a publish: its parent is the envelope's own {@code trace_context}
     * when it has one (an outbox event published later by a sweep carries the trace of the work that
     * produced it) or else the current span; returns the envelope carrying the producer span.
     */
    Publish startPublish(String destination, EventEnvelope<?> envelope) {
        Context parent = envelope.traceContext().isEmpty() ? Context.current() : contextOf(envelope.traceContext());
        Span span = tracer.spanBuilder(destination + " publish").setSpanKind(SpanKind.PRODUCER).setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, "redis").setAttribute(DESTINATION, destination).setAttribute(OPERATION, "send")
                .setAttribute(MESSAGE_ID, envelope.eventId())
                .startSpan();
        Context withSpan = parent.with(span);
        Map<String, String> headers = headersOf(withSpan);
        // Without the agent the span is invalid and nothing is injected: keep whatever the envelope had.
        EventEnvelope<?> traced = headers.isEmpty() ? envelope : envelope.withTraceContext(headers);
        return new Publish(span, withSpan.makeCurrent(), traced);
    }

    /** A publish in flight: {@link #end} it with the outcome. */
    record Publish(Span span, Scope scope, EventEnvelope<?> envelope) {

        void end(Throwable failure) {
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR);
            }
            scope.close();
            span.end();
        }
    }

    private <T> T run(Span span, String jobId, Supplier<T> work) {
        String previousJob = MDC.get(JOB_ID);
        if (jobId != null) {
            MDC.put(JOB_ID, jobId);
        }
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
            if (previousJob != null) {
                MDC.put(JOB_ID, previousJob);
            } else if (jobId != null) {
                MDC.remove(JOB_ID);
            }
        }
    }

    private Context contextOf(Map<String, String> headers) {
        return otel.getPropagators().getTextMapPropagator().extract(Context.root(), headers, GETTER);
    }

    private Map<String, String> headersOf(Context context) {
        Map<String, String> headers = new LinkedHashMap<>();
        otel.getPropagators().getTextMapPropagator().inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
        return headers;
    }
}
