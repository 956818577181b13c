package dev.lto.intelligence.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.NotFoundException;
import dev.lto.platform.web.StrictRecordReader;
import dev.lto.security.Caller;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/models/surrogate-audit}: audit share, per job class the trend of the surrogate's
 * audited image error, the active forced-physics rules and their history. {@code POST
 * /api/v1/models/surrogate-audit/clear} (admin): ends a class's rule, recording who and why.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api/v1/models/surrogate-audit", produces = MediaType.APPLICATION_JSON_VALUE)
class SurrogateAuditController {

    private final SurrogateAuditor auditor;
    private final StrictRecordReader reader;

    SurrogateAuditController(SurrogateAuditor auditor, StrictRecordReader reader) {
        this.auditor = auditor;
        this.reader = reader;
    }

    /** Body of the clear: the class key as the report names it, and why (both required). */
    record ClearRequest(@JsonProperty("job_class") @NotBlank @Size(max = 128) String jobClass,
                        @NotBlank @Size(max = 1024) String reason,
                        @JsonProperty("requested_by") @Size(max = 128) String requestedBy) {
    }

    @GetMapping
    SurrogateAuditor.Report report() {
        return auditor.report();
    }

    @PostMapping(path = "/clear", consumes = MediaType.APPLICATION_JSON_VALUE)
    SurrogateAuditor.RuleView clear(@RequestBody JsonNode body) {
        ClearRequest r = reader.read(body, ClearRequest.class);
        String by = Caller.actingAs(r.requestedBy());
        if (by == null || by.isBlank()) {
            throw new InvalidRequestException(List.of(new FieldProblem("requested_by", "NotBlank", "is required when auth is off", by)));
        }
        return auditor.clear(r.jobClass(), by, r.reason())
                .orElseThrow(() -> new NotFoundException("no active forced-physics rule for job class '" + r.jobClass() + "'"));
    }
}
