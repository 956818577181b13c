package dev.lto.action.alerts;

/**
 * Spring application events the alert engine publishes after each change is committed, on the
 * thread that made it (a stream consumer, a scheduler, a request). Listeners (the WebSocket
 * streams) must hand off slow work: they run before that thread goes on.
 */
public final class AlertEvents {

    /** A new alert opened (not a repeat folded into an open one). */
    public record AlertFired(Alert alert) {
    }

    /** An open alert was acknowledged ({@code alert.resolvedAt()} is set too where acknowledging ends it). */
    public record AlertAcknowledged(Alert alert) {
    }

    /** An alert ended: its condition cleared, its job moved on, or its producer resolved it. */
    public record AlertResolved(Alert alert) {
    }

    private AlertEvents() {
    }
}
