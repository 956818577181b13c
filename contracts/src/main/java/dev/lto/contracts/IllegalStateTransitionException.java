package dev.lto.contracts;

/** A job was asked to move between two states that the lifecycle does not connect. */
public class IllegalStateTransitionException extends IllegalStateException {

    private final JobState from;
    private final JobState to;

    public IllegalStateTransitionException(JobState from, JobState to) {
        super("illegal job state transition " + from + " -> " + to + "; legal from " + from + ": " + from.next());
        this.from = from;
        this.to = to;
    }

    public JobState from() {
        return from;
    }

    public JobState to() {
        return to;
    }
}
