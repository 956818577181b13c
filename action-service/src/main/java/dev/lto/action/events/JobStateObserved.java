package dev.lto.action.events;

import dev.lto.contracts.events.JobStateChanged;

/**
 * A job state change read from {@code lto.events}, published as a Spring application event on the
 * consumer's thread before the entry is acknowledged: a listener that throws fails the delivery,
 * so the binder redelivers it (listeners must therefore be idempotent on {@code eventId}).
 *
 * @param producer the service that published it (the envelope's {@code producer})
 */
public record JobStateObserved(String eventId, String producer, JobStateChanged change) {
}
