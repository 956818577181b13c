package dev.lto.contracts.events;

/** Redis stream keys of the LTO topology (DESIGN §3). Bindings name these as destinations. */
public final class StreamNames {

    public static final String JOBS_SUBMITTED = "lto.jobs.submitted";
    public static final String JOBS_CONTROL = "lto.jobs.control";
    public static final String SIM_REQUESTS_CPU = "lto.sim.requests.cpu";
    public static final String SIM_REQUESTS_GPU = "lto.sim.requests.gpu";
    public static final String SIM_RESULTS = "lto.sim.results";
    public static final String INGEST_METRICS = "lto.ingest.metrics";
    public static final String INGEST_YIELD = "lto.ingest.yield";
    public static final String EVENTS = "lto.events";
    public static final String ALERTS = "lto.alerts";

    /**
     * Not a stream: a Redis string the orchestrator refreshes every second with the jobs stored but
     * not yet dispatched ({@code {"waiting_jobs":n,"queued_jobs":q,"at":"..."}}, expires after 15 s);
     * the edge reads it for backpressure (docs/api.md).
     */
    public static final String PIPELINE_BACKLOG_KEY = "lto.pipeline.backlog";

    /** The consumer group of the orchestrator on {@link #JOBS_SUBMITTED}. */
    public static final String INTAKE_GROUP = "intelligence";

    /** The dead-letter stream the binder writes poison messages of {@code stream} to. */
    public static String deadLetter(String stream) {
        return stream + ".dlq";
    }

    private StreamNames() {
    }
}
