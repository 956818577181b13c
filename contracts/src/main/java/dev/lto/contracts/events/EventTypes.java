package dev.lto.contracts.events;

/** The {@code type} values of {@link EventEnvelope}s, one per payload record. */
public final class EventTypes {

    /** Payload {@link JobSubmitted}, on the submissions stream. */
    public static final String JOB_SUBMITTED = "job.submitted";
    /** Payload {@link JobStateChanged}, on the events stream. */
    public static final String JOB_STATE_CHANGED = "job.state_changed";

    private EventTypes() {
    }
}
