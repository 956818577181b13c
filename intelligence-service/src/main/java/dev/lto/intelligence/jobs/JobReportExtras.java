package dev.lto.intelligence.jobs;

import dev.lto.contracts.events.WaferYield;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** What other features add to a job report (measured wafer yield). */
@Component
class JobReportExtras {

    Optional<WaferYield> waferYield(String jobId) {
        return Optional.empty();
    }
}
