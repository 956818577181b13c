package dev.lto.ingestion.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.platform.web.StrictRecordReader;
import dev.lto.security.Caller;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/jobs/submit}: validate, publish, answer 202 with the job's address. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobSubmissionController {

    private final StrictRecordReader reader;
    private final JobSubmissions submissions;

    JobSubmissionController(StrictRecordReader reader, JobSubmissions submissions) {
        this.reader = reader;
        this.submissions = submissions;
    }

    @PostMapping(path = "/submit", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SubmissionReceipt> submit(@RequestBody JsonNode body) {
        JobParameters parameters = reader.read(body, JobParameters.class);
        // the key's owner, not the body's submitted_by (free text): who may cancel the job with a submitter key
        SubmissionReceipt receipt = submissions.submit(parameters, Caller.current().map(Caller::owner).orElse(null));
        return ResponseEntity.accepted().location(URI.create(receipt.links().get("self"))).body(receipt);
    }
}
