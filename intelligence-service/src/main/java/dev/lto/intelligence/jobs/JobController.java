package dev.lto.intelligence.jobs;

import dev.lto.intelligence.ingest.MetricSnapshots;
import dev.lto.intelligence.ingest.WaferYields;
import dev.lto.intelligence.pictures.JobPictures;
import dev.lto.intelligence.preflight.PredictionStore;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.ForbiddenException;
import dev.lto.platform.web.Ids;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.NotFoundException;
import dev.lto.platform.web.StrictRecordReader;
import dev.lto.security.Caller;
import dev.lto.security.Role;
import dev.lto.simulator.spi.SimulationArtifacts;
import dev.lto.simulator.spi.SimulatorAdapters;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A job's state and history, its report and pictures; cancel and engineer review. Cancel and
 * review are answered here, by the one writer of the job's state, so a refusal (409) is certain.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobRepository jobs;
    private final PipelineRepository pipeline;
    private final PredictionStore predictions;
    private final JobLifecycle lifecycle;
    private final StrictRecordReader reader;
    private final SimulatorAdapters adapters;
    private final WaferYields yields;
    private final MetricSnapshots snapshots;
    private final JobPictures pictures;
    private final JobViews views;

    JobController(JobRepository jobs, PipelineRepository pipeline, PredictionStore predictions, JobLifecycle lifecycle,
                  StrictRecordReader reader, SimulatorAdapters adapters, WaferYields yields, MetricSnapshots snapshots,
                  JobPictures pictures, JobViews views) {
        this.jobs = jobs;
        this.views = views;
        this.pipeline = pipeline;
        this.predictions = predictions;
        this.lifecycle = lifecycle;
        this.reader = reader;
        this.adapters = adapters;
        this.yields = yields;
        this.snapshots = snapshots;
        this.pictures = pictures;
    }

    @GetMapping("/{jobId}")
    JobView job(@PathVariable String jobId) {
        Ids.require("job_id", jobId);
        return views.view(jobId, () -> view(find(jobId)));
    }

    /** Cancels a job that has not started running; 409 problem (with its state) otherwise. */
    @DeleteMapping("/{jobId}")
    JobView cancel(@PathVariable String jobId, @RequestParam(name = "requested_by", required = false) String given) {
        Ids.require("job_id", jobId);
        // "api" only when the parameter is absent: Spring's defaultValue would also replace an empty one, silently.
        String requestedBy = given == null ? "api" : given;
        // It lands in the history and on lto.events: bounded, like a reviewer's name.
        if (requestedBy.isBlank() || requestedBy.length() > 128) {
            throw new InvalidRequestException(List.of(new FieldProblem("requested_by", "Size",
                    "must be 1-128 characters", requestedBy.length() > 64 ? requestedBy.substring(0, 64) + "…" : requestedBy)));
        }
        Caller.current().filter(c -> !c.role().includes(Role.ENGINEER)).ifPresent(c -> mayCancel(c, jobId));
        // the key's owner is who asked; the parameter only counts with auth off (docs/security.md)
        lifecycle.cancel(jobId, Caller.actingAs(requestedBy));
        return view(find(jobId));
    }

    /**
     * Below engineer, a key cancels only the jobs its owner submitted (issue #14: "submitter: cancel own
     * jobs"). Owner, not key id, so a rotated key keeps its owner's jobs; a job with no recorded owner
     * (submitted with auth off, ingested, or stored before owners were recorded) needs an engineer.
     */
    private void mayCancel(Caller caller, String jobId) {
        find(jobId); // 404 before 403: the job's existence is no secret to a viewer-or-higher key
        String owner = jobs.keyOwner(jobId).orElse(null);
        if (!caller.owner().equals(owner)) {
            throw new ForbiddenException("a " + caller.role().wireName() + " key may cancel only the jobs its owner submitted; job "
                    + jobId + (owner == null ? " has no recorded owner" : " belongs to another owner")
                    + ": cancelling it needs the role engineer or higher");
        }
    }

    /**
     * Body of {@code POST /api/v1/jobs/{id}/review}. {@code reviewer} is accepted for older clients, but the
     * reviewer recorded is the API key's owner (docs/security.md); only with auth off does the field count.
     */
    record ReviewRequest(@NotNull JobLifecycle.ReviewAction action,
                         @Size(max = 128) String reviewer,
                         @Size(max = 2000) String note) {
    }

    @PostMapping(path = "/{jobId}/review", consumes = MediaType.APPLICATION_JSON_VALUE)
    JobView review(@PathVariable String jobId, @RequestBody JsonNode body) {
        Ids.require("job_id", jobId);
        ReviewRequest r = reader.read(body, ReviewRequest.class);
        String reviewer = Caller.actingAs(r.reviewer());
        if (reviewer == null || reviewer.isBlank()) {
            throw new InvalidRequestException(List.of(new FieldProblem("reviewer", "NotBlank", "is required when auth is off", reviewer)));
        }
        lifecycle.review(jobId, r.action(), reviewer, r.note());
        return view(find(jobId));
    }

    @GetMapping("/{jobId}/report")
    JobReport report(@PathVariable String jobId) {
        JobRecord job = find(jobId);
        var decision = predictions.find(jobId);
        var dispatch = pipeline.dispatch(jobId);
        var result = pipeline.result(jobId);
        JobReport.Execution execution = dispatch.isEmpty() && result.isEmpty() ? null : new JobReport.Execution(
                dispatch.map(PipelineRepository.Dispatch::attempt).orElse(0),
                dispatch.map(PipelineRepository.Dispatch::deviceClass).orElse(null),
                result.map(PipelineRepository.StoredResult::worker).orElse(null),
                result.map(PipelineRepository.StoredResult::source).orElse(null),
                dispatch.map(PipelineRepository.Dispatch::lastError).orElse(null));
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", "/api/v1/jobs/" + jobId + "/report");
        links.put("job", "/api/v1/jobs/" + jobId);
        // Pictures on disk (any process, after restarts), else the simulator's in-memory recent jobs.
        boolean inMemory = artifacts(job).isPresent();
        for (String name : List.of("aerial.png", "resist.png", "bossung.png")) {
            if (inMemory || pictures.find(jobId, name).isPresent()) {
                links.put(name.replace('.', '_'), "/api/v1/jobs/" + jobId + "/artifacts/" + name);
            }
        }
        return new JobReport(view(job), decision.map(d -> d.prediction()).orElse(null),
                decision.map(d -> new JobReport.Preflight(d.blocked(), d.blockingViolations(),
                        d.unconfirmedViolations().isEmpty() ? null : d.unconfirmedViolations(), d.alternatives())).orElse(null),
                execution, result.map(PipelineRepository.StoredResult::result).orElse(null),
                pipeline.evaluation(jobId).orElse(null), nullIfEmpty(pipeline.reviews(jobId)),
                yields.latestFor(jobId).orElse(null), nullIfEmpty(snapshots.snapshotsFor(jobId)), links);
    }

    @GetMapping(path = "/{jobId}/artifacts/aerial.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> aerialPng(@PathVariable String jobId) {
        return png(jobId, "aerial.png", SimulationArtifacts::aerialPng);
    }

    @GetMapping(path = "/{jobId}/artifacts/resist.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> resistPng(@PathVariable String jobId) {
        return png(jobId, "resist.png", SimulationArtifacts::resistPng);
    }

    @GetMapping(path = "/{jobId}/artifacts/bossung.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> bossungPng(@PathVariable String jobId) {
        return png(jobId, "bossung.png", SimulationArtifacts::bossungPng);
    }

    private ResponseEntity<byte[]> png(String jobId, String name, Function<SimulationArtifacts, byte[]> picture) {
        JobRecord job = find(jobId);
        var stored = pictures.find(jobId, name);
        if (stored.isPresent()) {
            return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(pictures.read(stored.get()));
        }
        SimulationArtifacts a = artifacts(job).orElseThrow(() -> new NotFoundException("no pictures for job " + jobId
                + ": none stored (never simulated here, deleted by retention, lto.pictures) and none in the simulator's memory"));
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(picture.apply(a));
    }

    private Optional<SimulationArtifacts> artifacts(JobRecord job) {
        return adapters.find(job.adapterType()).flatMap(a -> a.artifacts(job.jobId()));
    }

    private JobRecord find(String jobId) {
        Ids.require("job_id", jobId);
        return jobs.find(jobId).orElseThrow(() -> new NotFoundException("no job with id " + jobId));
    }

    private JobView view(JobRecord job) {
        String jobId = job.jobId();
        long n = jobs.conflicts(jobId);
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", "/api/v1/jobs/" + jobId);
        links.put("report", "/api/v1/jobs/" + jobId + "/report");
        return new JobView(jobId, job.state(), job.state().isTerminal(), job.adapterType(), job.submittedAt(),
                job.completedAt(), job.parameters(), jobs.history(jobId), n == 0 ? null : n, links);
    }

    private static <T> List<T> nullIfEmpty(List<T> l) {
        return l.isEmpty() ? null : l;
    }
}
