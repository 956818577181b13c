package dev.lto.intelligence.jobs;

import dev.lto.platform.web.NotFoundException;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobRepository jobs;

    JobController(JobRepository jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/{jobId}")
    JobView job(@PathVariable String jobId) {
        JobRecord job = jobs.find(jobId).orElseThrow(() -> new NotFoundException("no job with id " + jobId));
        return new JobView(job.jobId(), job.state(), job.state().isTerminal(), job.adapterType(), job.submittedAt(),
                job.completedAt(), job.parameters(), jobs.history(jobId), conflictsOrNull(jobId), Map.of("self", "/api/v1/jobs/" + jobId));
    }

    /** Present only when some submission reused this id with other parameters. */
    private Long conflictsOrNull(String jobId) {
        long n = jobs.conflicts(jobId);
        return n == 0 ? null : n;
    }
}
