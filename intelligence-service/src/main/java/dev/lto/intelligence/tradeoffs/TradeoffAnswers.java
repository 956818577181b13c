package dev.lto.intelligence.tradeoffs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.intelligence.constraints.ConstraintEvaluator;
import dev.lto.intelligence.models.TradeoffEstimate;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Turns the engine's estimate for one job into the seed's §3.4 answer: the one place that pairs a
 * prediction with its constraint verdict, for the predict API and the preflight gate alike.
 */
@Component
public class TradeoffAnswers {

    private final ConstraintEvaluator constraints;

    TradeoffAnswers(ConstraintEvaluator constraints) {
        this.constraints = constraints;
    }

    /** {@code ms}: inference time attributed to this job, milliseconds. */
    public TradeoffPrediction answer(JobParameters p, TradeoffEstimate e, double ms) {
        // 64 random bits: the id is the key of stored predictions (32 bits collide by ~77k jobs).
        return new TradeoffPrediction("pred_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()), p,
                e.predictions(), e.uncertainty(), constraints.evaluate(p.constraintProfile(), e.predictions()),
                e.featureImportance(), e.modelVersion(), Math.round(ms * 1000) / 1000.0, e.answeredBy(), e.physicsReasons(),
                e.jobIntervalFactor());
    }
}
