package dev.lto.intelligence.drift;

import dev.lto.platform.web.Problems;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/models/drift[?refresh=true]}: PSI per input parameter and predicted signal on the
 * last N preflights and the last day, with each window's threshold and verdict (docs/api.md). 503
 * while no model with a drift reference serves.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class DriftController {

    private final DriftMonitor monitor;

    DriftController(DriftMonitor monitor) {
        this.monitor = monitor;
    }

    @GetMapping("/drift")
    ResponseEntity<?> drift(@RequestParam(defaultValue = "false") boolean refresh) {
        DriftMonitor.DriftReport r = refresh ? monitor.refresh() : monitor.report();
        if (r.reference() == null) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "30")
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Drift unavailable", r.message()));
        }
        return ResponseEntity.ok(r);
    }
}
