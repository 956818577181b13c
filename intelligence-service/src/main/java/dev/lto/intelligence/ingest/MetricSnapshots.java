package dev.lto.intelligence.ingest;

import dev.lto.contracts.MetricSnapshot;
import java.util.List;

/** Progress snapshots of externally run jobs, ingested from {@code lto.ingest.metrics}. */
public interface MetricSnapshots {

    /** The job's snapshots in time order (empty for a job nobody reported on). */
    List<MetricSnapshot> snapshotsFor(String jobId);
}
