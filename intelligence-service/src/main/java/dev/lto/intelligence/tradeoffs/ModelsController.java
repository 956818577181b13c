package dev.lto.intelligence.tradeoffs;

import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.models.ModelUnavailableException;
import dev.lto.intelligence.models.ModelService;
import dev.lto.intelligence.models.ModelStatus;
import dev.lto.platform.web.Problems;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/models/current}: the serving model, or the bootstrap's progress and ETA.
 * {@code GET /api/v1/models/performance}: the serving model's measured test metrics and gates, and its
 * live performance on completed jobs beside them ({@link LivePerformanceView}).
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping(path = "/api/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelsController {

    private final ModelService models;
    private final LivePerformanceView live;

    ModelsController(ModelService models, LivePerformanceView live) {
        this.models = models;
        this.live = live;
    }

    @GetMapping("/current")
    ModelStatus current() {
        return models.status();
    }

    @GetMapping("/performance")
    Map<String, Object> performance() {
        String version = models.currentVersion();
        if (version == null) {
            throw new ModelUnavailableException("no tradeoff model is loaded (" + models.status().status() + ")");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_version", version);
        ModelMetrics m = models.metrics().orElse(null);
        out.put("metrics", m);
        out.put("gates_passed", m == null ? null : m.allGatesPassed());
        if (m == null) {
            out.put("message", "this model was trained without a test split; run the model-card command");
        }
        live.addTo(out, version, m);
        return out;
    }

    @ExceptionHandler(ModelUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ModelUnavailableException e) {
        return unavailableProblem(e);
    }

    static ResponseEntity<ProblemDetail> unavailableProblem(ModelUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "30")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.UNAVAILABLE, "Model unavailable", e.getMessage()));
    }
}
