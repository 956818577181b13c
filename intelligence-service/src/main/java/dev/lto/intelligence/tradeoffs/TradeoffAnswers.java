package dev.lto.intelligence.tradeoffs;

import dev.lto.engine.serving.TradeoffEstimate;
import dev.lto.contracts.ConfidenceLevel;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.contracts.UncertaintyAssessment;
import dev.lto.intelligence.audit.SurrogateAuditor;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Turns the engine's estimate for one job into the seed's §3.4 answer: the one place that pairs a
 * prediction with its constraint verdict and with a forced-physics rule on the job's class, for the
 * predict API and the preflight gate alike.
 */
@Component
public class TradeoffAnswers {

    private final ConstraintEvaluator constraints;
    private final DistributionSummary inference;
    private final SurrogateAuditor audits;

    TradeoffAnswers(ConstraintEvaluator constraints, MeterRegistry meters, SurrogateAuditor audits) {
        this.constraints = constraints;
        this.audits = audits;
        // Seed §9 lto_model_inference_duration_ms. Buckets for both stages of the cascade: the learned first
        // stage answers in about a millisecond, physics-lite in 100-250 ms (docs/model-card.md).
        this.inference = DistributionSummary.builder("lto.model.inference.duration").baseUnit("ms")
                .description("Inference time per prediction (preflight and predict API), milliseconds")
                .serviceLevelObjectives(0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 150, 250, 500, 1000, 2500)
                .register(meters);
    }

    /**
     * The answer for one job the engine was asked about (preflight, predict API); {@code ms}: inference
     * time attributed to this job, milliseconds, recorded in {@code lto_model_inference_duration_ms}.
     * Recommends physics when a forced-physics rule covers the job's class ({@link #forcePhysicsIfRuled}).
     */
    public TradeoffPrediction answer(JobParameters p, TradeoffEstimate e, double ms) {
        inference.record(ms);
        return forcePhysicsIfRuled(p, candidate(p, e, ms));
    }

    /**
     * A forced-physics rule on the job's class (the surrogate audit found its surrogate drifted,
     * docs/ml.md §14): the prediction recommends physics with the rule as its reason, so the preflight
     * blocks a predicted violation only when certain and the simulation decides the rest, as for any
     * uncertain prediction. Applies to surrogate jobs only: an Abbe job already runs the physics the
     * rule forces.
     */
    public TradeoffPrediction forcePhysicsIfRuled(JobParameters job, TradeoffPrediction p) {
        if (!Boolean.TRUE.equals(job.useAiSurrogate())) {
            return p;
        }
        return audits.forcedPhysics(job).map(rule -> forcedPhysics(p, rule.reason())).orElse(p);
    }

    private static TradeoffPrediction forcedPhysics(TradeoffPrediction p, String reason) {
        List<String> reasons = new ArrayList<>(p.physicsReasons() == null ? List.of() : p.physicsReasons());
        reasons.add(reason);
        return new TradeoffPrediction(p.jobId(), p.parameters(), p.predictions(),
                new UncertaintyAssessment(p.uncertainty().highUncertainty(), true, ConfidenceLevel.LOW), p.constraints(),
                p.featureImportance(), p.modelVersion(), p.inferenceTimeMs(), p.answeredBy(), List.copyOf(reasons),
                p.jobIntervalFactor(), p.physicsLiteSkipped());
    }

    /** The answer for a candidate the engine scored on the way (alternative search): not an inference of its own. */
    public TradeoffPrediction candidate(JobParameters p, TradeoffEstimate e, double ms) {
        // 64 random bits: the id is the key of stored predictions (32 bits collide by ~77k jobs).
        return new TradeoffPrediction("pred_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()), p,
                e.predictions(), e.uncertainty(), constraints.evaluate(p.constraintProfile(), e.predictions()),
                e.featureImportance(), e.modelVersion(), Math.round(ms * 1000) / 1000.0, e.answeredBy(), e.physicsReasons(),
                e.jobIntervalFactor(), e.physicsLiteSkipped());
    }
}
