package dev.lto.intelligence.models;

import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.events.AlertRaised;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.engine.lifecycle.ModelLifecycle.Announcement;
import dev.lto.platform.streams.EventPublisher;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Lifecycle changes (promoted, rolled back, discarded) as INFO {@code model_lifecycle} alerts on
 * {@code lto.alerts}, each its own alert (the fingerprint carries the time). A failed publish is logged
 * and not retried: the change itself is already in the registry's history.
 */
final class LifecycleAnnouncements implements Consumer<Announcement> {

    static final String BINDING = "modelLifecycle-out-0";
    static final String ALERT_TYPE = "model_lifecycle";

    private final EventPublisher publisher;
    private final Clock clock;

    LifecycleAnnouncements(EventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public void accept(Announcement a) {
        String fingerprint = ALERT_TYPE + "/" + a.event() + "/" + a.version() + "/" + clock.millis();
        AlertRaised alert = new AlertRaised(ALERT_TYPE, AlertSeverity.INFO, null, a.message(), null, fingerprint, null);
        publisher.tryPublish(BINDING, EventEnvelope.of(EventTypes.ALERT_RAISED, fingerprint, "intelligence-service", alert),
                "not retried (the registry's history has the change)");
    }
}
