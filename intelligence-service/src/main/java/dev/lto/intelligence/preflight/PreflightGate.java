package dev.lto.intelligence.preflight;

import dev.lto.engine.models.ModelUnavailableException;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.engine.serving.TradeoffEstimate;
import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.intelligence.constraints.BlockOn;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import dev.lto.intelligence.constraints.ConstraintProperties;
import dev.lto.intelligence.models.ModelService;
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
 * So does, by default, a predicted violation the model is unsure of (physics recommended and the
 * interval straddles the limit): blocking on a guess would stop good jobs; the simulation decides
 * and the evaluation flags the job if the actual result breaks the limit (P2: flag, don't guess).
 */
@Service
@EnableConfigurationProperties(PreflightProperties.class)
public class PreflightGate {

    private final ModelService models;
    private final TradeoffAnswers answers;
    private final PreflightProperties props;
    private final AlternativeSearch search;
    private final ConstraintEvaluator constraints;

    PreflightGate(ModelService models, TradeoffAnswers answers, PreflightProperties props, ConstraintEvaluator constraints) {
        this.models = models;
        this.constraints = constraints;
        this.answers = answers;
        this.props = props;
        this.search = new AlternativeSearch(models, answers, props);
    }

    /** The whole 95% interval lies beyond the limit: the violation holds whatever the model's uncertainty. */
    private static boolean certain(ConstraintViolation v, TradeoffPrediction p) {
        SignalEstimate e = p.predictions().toArray()[TradeoffSignals.NAMES.indexOf(v.signal())];
        return "min".equals(v.bound()) ? e.ciHigh() < v.limit() : e.ciLow() > v.limit();
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
        TradeoffEngine.Beside beside;
        try {
            beside = models.predictBeside(List.of(job));
        } catch (ModelUnavailableException e) {
            return Optional.empty();
        }
        TradeoffEstimate estimate = beside.production().getFirst();
        double ms = (System.nanoTime() - t0) / 1e6 - beside.shadowMs();
        // The shadow's answer rides along to be stored; nothing below reads it (it never decides).
        PreflightDecision.ShadowPrediction shadow = beside.shadow().map(List::getFirst)
                .map(s -> new PreflightDecision.ShadowPrediction(s.modelVersion(), s.predictions(),
                        s.uncertainty().highUncertainty(), s.uncertainty().recommendPhysicsSimulation(), beside.shadowMs()))
                .orElse(null);
        // A forced-physics rule on the job's class is applied in the answer (TradeoffAnswers).
        TradeoffPrediction prediction = answers.answer(job, estimate, ms);
        List<ConstraintViolation> broken = prediction.constraints().violations().stream()
                .filter(v -> props.blockingSeverities().contains(v.severity())).toList();
        boolean uncertain = prediction.uncertainty().recommendPhysicsSimulation();
        BlockOn blockOn = constraints.profile(job.constraintProfile()).map(ConstraintProperties.Profile::blockOn)
                .orElse(null);
        boolean onScore = (blockOn != null ? blockOn : props.blockOn()) == BlockOn.SCORE;
        List<ConstraintViolation> blocking = broken.stream()
                .filter(v -> onScore || !uncertain || certain(v, prediction))
                .toList();
        List<ConstraintViolation> unconfirmed = broken.stream().filter(v -> !blocking.contains(v)).toList();
        if (!enforce || blocking.isEmpty()) {
            return Optional.of(new PreflightDecision(prediction, false, List.of(), enforce ? unconfirmed : List.of(), List.of(),
                    shadow));
        }
        return Optional.of(new PreflightDecision(prediction, true, blocking, unconfirmed, search.find(job, adapter), shadow));
    }
}
