package dev.lto.action.alerts;

/** Where an alert came from (the {@code source} column). */
public enum AlertSource {
    /** Derived from a job's state change on {@code lto.events}; it ends when acknowledged or when the job moves on. */
    PIPELINE("lto.events"),
    /** A system condition from the health checks; it ends by itself when the condition clears. */
    SYSTEM("system"),
    /** Raised by a service on {@code lto.alerts}; it ends when its producer resolves it. */
    STREAM("lto.alerts"),
    /** Imported from Alertmanager's webhook (e.g. a Prometheus rule); never pushed back to Alertmanager. */
    ALERTMANAGER("alertmanager");

    private final String column;

    AlertSource(String column) {
        this.column = column;
    }

    public String column() {
        return column;
    }
}
