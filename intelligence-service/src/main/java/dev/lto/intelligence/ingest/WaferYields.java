package dev.lto.intelligence.ingest;

import dev.lto.contracts.events.WaferYield;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measured wafer yields ingested from {@code lto.ingest.yield}, for other features (job report,
 * history, yield-risk labels). A measurement may be stored before its job exists; these lookups
 * are by job id only, so it joins the job as soon as the job is there.
 */
public interface WaferYields {

    /** The job's most recent measurement by {@code measured_at} (ties: the one received last). */
    Optional<WaferYield> latestFor(String jobId);

    /** Every measurement of the job (one per wafer and time), oldest first. */
    List<WaferYield> allFor(String jobId);

    /** {@link #latestFor(String)} for many jobs in one query; jobs without a measurement are absent. */
    Map<String, WaferYield> latestFor(Collection<String> jobIds);
}
