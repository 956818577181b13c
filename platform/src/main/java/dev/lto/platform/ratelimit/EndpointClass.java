package dev.lto.platform.ratelimit;

import java.util.Locale;

/**
 * What a request costs the system, for rate limiting: each class has its own token bucket per caller, so a caller who
 * floods one kind of request (say, reads) keeps its budget for the others (submissions). The classification is by
 * method and path only, so it holds before routing and for every service alike; docs/api.md "Rate limits" lists it.
 * Paths outside {@code /api/}, {@code /ingest/} and {@code /ws/} (health probes, Prometheus scrapes, the console's
 * static files, OpenAPI) are not limited.
 */
enum EndpointClass {
    /** {@code POST /api/v1/jobs/submit} and every {@code POST /ingest/*}: what enters the pipeline. */
    SUBMIT,
    /** {@code POST /api/v1/tradeoffs/predict} and {@code .../predict/batch}: model inference on the caller's behalf. */
    PREDICT,
    /** Any other {@code GET}/{@code HEAD} under {@code /api/}, and WebSocket handshakes under {@code /ws/}. */
    READ,
    /** Model management and API keys under {@code /api/v1/models/} and {@code /api/v1/keys/}, except reads. */
    ADMIN,
    /** Every other state change: cancel, reviews, alert ack and feedback, the Alertmanager webhook. */
    WRITE;

    /** The class of a request, or {@code null} when the path is not rate limited. */
    static EndpointClass of(String method, String path) {
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        if (path.startsWith("/ws/")) {
            return READ;
        }
        if (path.startsWith("/ingest/")) {
            return read ? READ : SUBMIT;
        }
        if (!path.startsWith("/api/")) {
            return null;
        }
        if (read || "OPTIONS".equals(method)) {
            return READ;
        }
        if (path.equals("/api/v1/jobs/submit")) {
            return SUBMIT;
        }
        if (path.equals("/api/v1/tradeoffs/predict") || path.startsWith("/api/v1/tradeoffs/predict/")) {
            return PREDICT;
        }
        if (path.startsWith("/api/v1/models/") || path.startsWith("/api/v1/keys")) {
            return ADMIN;
        }
        return WRITE;
    }

    /** The name in configuration keys, metrics, Redis keys and problems: {@code submit}, {@code predict}, ... */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
