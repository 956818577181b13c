package dev.lto.contracts.events;

/** The {@code type} values of {@link EventEnvelope}s, one per payload record. */
public final class EventTypes {

    /** Payload {@link JobSubmitted}, on the submissions stream. */
    public static final String JOB_SUBMITTED = "job.submitted";
    /** Payload {@link JobStateChanged}, on the events stream. */
    public static final String JOB_STATE_CHANGED = "job.state_changed";

    /** Payload {@link SimulationRequested}, on {@code lto.sim.requests.cpu|gpu}. */
    public static final String SIMULATION_REQUESTED = "simulation.requested";
    /** Payload {@link SimulationFinished}, on {@code lto.sim.results}. */
    public static final String SIMULATION_FINISHED = "simulation.finished";
    /** Payload {@link dev.lto.contracts.MetricSnapshot}: a running job's progress on {@code lto.events}, or an external one on {@code lto.ingest.metrics}. */
    public static final String SIMULATION_PROGRESS = "simulation.progress";
    /** Payload {@link WaferYield}, on {@code lto.ingest.yield}. */
    public static final String YIELD_MEASURED = "yield.measured";
    /** Payload: the pipeline's monitoring snapshot (queue depth, pending, DLQ sizes, busy slots, jobs/min), on {@code lto.events}. */
    public static final String PIPELINE_MONITORED = "pipeline.monitored";

    /** Payload {@link AlertRaised}: an alert to route, on {@code lto.alerts}. */
    public static final String ALERT_RAISED = "alert.raised";

    private EventTypes() {
    }
}
