package dev.lto.intelligence.preflight;

import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.intelligence.models.ModelService;
import dev.lto.intelligence.models.ModelUnavailableException;
import dev.lto.intelligence.models.TradeoffEstimate;
import dev.lto.intelligence.tradeoffs.TradeoffAnswers;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * The preflight gate: predicts a job with the serving model, evaluates its constraint profile and,
 * when a violation of a blocking severity is predicted, blocks it and offers alternatives. A
 * violation of a lower severity (WARN, INFO) is recorded in the prediction and lets the job run.
 */
@Service
@EnableConfigurationProperties(PreflightProperties.class)
public class PreflightGate {

    private final ModelService models;
    private final TradeoffAnswers answers;
    private final PreflightProperties props;
    private final AlternativeSearch search;

    PreflightGate(ModelService models, TradeoffAnswers answers, PreflightProperties props) {
        this.models = models;
        this.answers = answers;
        this.props = props;
        this.search = new AlternativeSearch(models, answers, props);
    }

    /** Severities of a violated limit that block a job (preflight) or flag it (evaluation). */
    public Set<AlertSeverity> blockingSeverities() {
        return props.blockingSeverities();
    }

    /**
     * The decision for {@code job}, or empty while no model is loaded (the job then waits in
     * PREFLIGHT). With {@code enforce} false (a result already exists, e.g. ingested from an external
     * simulator) the prediction is made for the evaluation but nothing is blocked, and {@code adapter}
     * (used to check alternatives physically) may be null.
     */
    public Optional<PreflightDecision> decide(JobParameters job, SimulatorInterface adapter, boolean enforce) {
        long t0 = System.nanoTime();
        TradeoffEstimate estimate;
        try {
            estimate = models.predict(List.of(job), false).getFirst();
        } catch (ModelUnavailableException e) {
            return Optional.empty();
        }
        TradeoffPrediction prediction = answers.answer(job, estimate, (System.nanoTime() - t0) / 1e6);
        List<ConstraintViolation> blocking = prediction.constraints().violations().stream()
                .filter(v -> props.blockingSeverities().contains(v.severity())).toList();
        if (!enforce || blocking.isEmpty()) {
            return Optional.of(new PreflightDecision(prediction, false, List.of(), List.of()));
        }
        return Optional.of(new PreflightDecision(prediction, true, blocking, search.find(job, adapter)));
    }
}
