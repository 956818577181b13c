package dev.lto.intelligence.tradeoffs;

import dev.lto.engine.models.ModelUnavailableException;
import dev.lto.engine.serving.TradeoffEstimate;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import dev.lto.intelligence.models.ModelService;
import dev.lto.platform.web.FieldProblem;
import dev.lto.platform.web.InvalidRequestException;
import dev.lto.platform.web.StrictRecordReader;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/tradeoffs/predict}: one JobParameters body (omitted fields take the contract
 * defaults; {@code constraint_profile} picks the profile) → the seed's §3.4 answer. Feature
 * importance (TreeSHAP, 20–80× a prediction) only with {@code ?explain=true}.
 * {@code POST /api/v1/tradeoffs/predict/batch}: {@code {"jobs": [...]}} → one answer per job, in order.
 */
@RestController
@ConditionalOnWebApplication
@RequestMapping("/api/v1/tradeoffs")
class TradeoffController {

    private final StrictRecordReader reader;
    private final ModelService models;
    private final ConstraintEvaluator constraints;
    private final TradeoffAnswers answers;
    private final int maxBatch;

    TradeoffController(StrictRecordReader reader, ModelService models, ConstraintEvaluator constraints,
                       TradeoffAnswers answers, @Value("${lto.models.max-batch:1000}") int maxBatch) {
        this.reader = reader;
        this.models = models;
        this.constraints = constraints;
        this.answers = answers;
        this.maxBatch = maxBatch;
    }

    @PostMapping(path = "/predict", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    TradeoffPrediction predict(@RequestBody JsonNode body, @RequestParam(defaultValue = "false") boolean explain) {
        long t0 = System.nanoTime();
        JobParameters p = reader.read(body, JobParameters.class);
        checkProfile(p, "constraint_profile");
        TradeoffEstimate e = models.predictInteractive(p, explain);
        return answers.answer(p, e, (System.nanoTime() - t0) / 1e6);
    }

    /** Batch answer: the model version, the whole batch's time, and one prediction per job. */
    record BatchPrediction(@JsonProperty("model_version") String modelVersion, @JsonProperty("count") int count,
                           @JsonProperty("inference_time_ms") double inferenceTimeMs,
                           @JsonProperty("predictions") List<TradeoffPrediction> predictions) {
    }

    @PostMapping(path = "/predict/batch", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    BatchPrediction predictBatch(@RequestBody JsonNode body, @RequestParam(defaultValue = "false") boolean explain) {
        long t0 = System.nanoTime();
        JsonNode jobs = body.get("jobs");
        List<FieldProblem> problems = new ArrayList<>();
        body.propertyNames().forEach(name -> {
            if (!name.equals("jobs")) {
                problems.add(new FieldProblem(name, "unknown", "unknown field; the batch body is {\"jobs\": [...]}", null));
            }
        });
        if (jobs == null || !jobs.isArray() || jobs.isEmpty()) {
            problems.add(new FieldProblem("jobs", "required", "must be a non-empty array of job parameters", null));
        } else if (jobs.size() > maxBatch) {
            problems.add(new FieldProblem("jobs", "Size", "at most " + maxBatch + " jobs per batch", jobs.size()));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        List<JobParameters> params = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            try {
                JobParameters p = reader.read(jobs.get(i), JobParameters.class);
                checkProfile(p, "jobs[" + i + "].constraint_profile");
                params.add(p);
            } catch (InvalidRequestException e) {
                String prefix = "jobs[" + i + "]";
                e.problems().forEach(f -> problems.add(new FieldProblem(
                        f.field().startsWith(prefix) ? f.field() : prefix + "." + f.field(), f.constraint(), f.message(), f.rejected())));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        List<TradeoffEstimate> est = models.predict(params, explain);
        double ms = (System.nanoTime() - t0) / 1e6;
        List<TradeoffPrediction> out = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            out.add(answers.answer(params.get(i), est.get(i), ms / params.size()));
        }
        return new BatchPrediction(est.getFirst().modelVersion(), out.size(), round(ms), out);
    }

    private void checkProfile(JobParameters p, String field) {
        if (constraints.profile(p.constraintProfile()).isEmpty()) {
            throw new InvalidRequestException(List.of(new FieldProblem(field, "unknown",
                    "unknown constraint profile; known: " + constraints.profiles(), p.constraintProfile())));
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    @ExceptionHandler(ModelUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ModelUnavailableException e) {
        return ModelsController.unavailableProblem(e);
    }
}
