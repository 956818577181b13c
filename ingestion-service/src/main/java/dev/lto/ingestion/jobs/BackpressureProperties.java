package dev.lto.ingestion.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.ingestion.backpressure.*}: when the edge stops accepting submissions (docs/api.md, "Backpressure").
 *
 * @param maxBacklog  submissions are refused (503) while the backlog — entries of {@code lto.jobs.submitted} the
 *                    orchestrator has not read plus stored jobs not dispatched yet — is above this; 0 = never refuse
 * @param retryAfter  the {@code Retry-After} of a refusal
 * @param refresh     how often the backlog figures are read from Redis (never per request)
 * @param maxAge      figures older than this (Redis unreachable) refuse nothing: a publish failure answers then
 */
@ConfigurationProperties("lto.ingestion.backpressure")
record BackpressureProperties(
        @DefaultValue("2000") long maxBacklog,
        @DefaultValue("10s") Duration retryAfter,
        @DefaultValue("1s") Duration refresh,
        @DefaultValue("10s") Duration maxAge) {
}
