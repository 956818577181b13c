package dev.lto.action.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.action.events.PipelineActivity;
import dev.lto.contracts.JobState;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the live console (the page at {@code /}) needs besides the WebSocket streams and the alerts
 * API: the latest blocked, flagged and escalated jobs with links to their report and aerial image,
 * which the intelligence service serves ({@code lto.action.console.jobs-base-url}).
 */
@RestController
@RequestMapping(path = "/api/v1/console", produces = MediaType.APPLICATION_JSON_VALUE)
class ConsoleController {

    /** States in which the job ran its simulation, so an aerial image may exist. */
    private static final List<JobState> SIMULATED = List.of(JobState.ANOMALY_FLAGGED, JobState.ESCALATED);

    record RecentJob(@JsonProperty("job_id") String jobId, JobState state, Instant at, String reason,
                     @JsonProperty("report_url") String reportUrl, @JsonProperty("aerial_png_url") String aerialPngUrl) {
    }

    record RecentJobs(@JsonProperty("jobs_base_url") String jobsBaseUrl, List<RecentJob> jobs) {
    }

    private final PipelineActivity activity;
    private final String jobsBaseUrl;

    ConsoleController(PipelineActivity activity, @Value("${lto.action.console.jobs-base-url:http://localhost:8082}") String jobsBaseUrl) {
        this.activity = activity;
        this.jobsBaseUrl = jobsBaseUrl.endsWith("/") ? jobsBaseUrl.substring(0, jobsBaseUrl.length() - 1) : jobsBaseUrl;
    }

    /** The latest blocked, flagged or escalated jobs seen on {@code lto.events} since this service started, newest first. */
    @GetMapping("/recent-jobs")
    RecentJobs recentJobs() {
        return new RecentJobs(jobsBaseUrl, activity.recentNotableJobs().stream().map(j -> new RecentJob(j.jobId(), j.state(), j.at(),
                j.reason(), jobsBaseUrl + "/api/v1/jobs/" + j.jobId() + "/report",
                SIMULATED.contains(j.state()) ? jobsBaseUrl + "/api/v1/jobs/" + j.jobId() + "/artifacts/aerial.png" : null)).toList());
    }
}
