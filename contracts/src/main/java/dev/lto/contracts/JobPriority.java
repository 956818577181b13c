package dev.lto.contracts;

/** Scheduling priority; higher ranks are dispatched first, lower ones are never starved. */
public enum JobPriority {
    LOW(0), NORMAL(1), HIGH(2), CRITICAL(3);

    private final int rank;

    JobPriority(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }
}
