package dev.lto.intelligence.preflight;

import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.SignalEstimate;
import dev.lto.contracts.SignalPredictions;
import dev.lto.engine.evaluation.Evaluation;
import dev.lto.contracts.TradeoffPrediction;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores preflight decisions: the seed's {@code tradeoff_predictions} row (type {@code preflight})
 * and the full decision in {@code preflight_decisions}; the shadow candidate's answer, when there is one,
 * as a {@code shadow} row beside it and in {@code shadow_predictions} (scored at evaluation). Idempotent per job: the first decision stays.
 */
@Repository
public class PredictionStore {

    /** The shadow row's prediction_id: the job's prediction id with this suffix (one shadow answer per job). */
    static final String SHADOW_SUFFIX = ":shadow";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PredictionStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Call inside the transaction that moves the job out of PREFLIGHT. */
    public void store(String jobId, PreflightDecision d) {
        TradeoffPrediction p = d.prediction();
        SignalEstimate speed = p.predictions().speedVsAccuracy();
        SignalEstimate yield = p.predictions().yieldRisk();
        LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        int inserted = jdbc.sql("""
                        INSERT INTO preflight_decisions (job_id, prediction_id, decided_at, blocked, prediction, block_reasons, unconfirmed,
                            alternatives)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(jobId, p.jobId(), now, d.blocked(), json.writeValueAsString(p),
                        json.writeValueAsString(d.blockingViolations()), json.writeValueAsString(d.unconfirmedViolations()),
                        json.writeValueAsString(d.alternatives()))
                .update();
        if (inserted == 0) {
            return;
        }
        jdbc.sql("""
                        INSERT INTO tradeoff_predictions (prediction_id, job_id, predicted_at, prediction_type, model_version,
                            pred_speed_vs_accuracy, ci_speed_low, ci_speed_high, pred_yield_risk, ci_yield_low, ci_yield_high,
                            pred_overall_health, high_uncertainty, recommend_physics, inference_time_ms)
                        VALUES (?, ?, ?, 'preflight', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(p.jobId(), jobId, now, p.modelVersion(), speed.score(), speed.ciLow(), speed.ciHigh(),
                        yield.score(), yield.ciLow(), yield.ciHigh(), p.predictions().overallHealth().score(),
                        p.uncertainty().highUncertainty(), p.uncertainty().recommendPhysicsSimulation(), p.inferenceTimeMs())
                .update();
        PreflightDecision.ShadowPrediction sh = d.shadow();
        if (sh != null) {
            SignalPredictions sp = sh.predictions();
            jdbc.sql("""
                            INSERT INTO tradeoff_predictions (prediction_id, job_id, predicted_at, prediction_type, model_version,
                                pred_speed_vs_accuracy, ci_speed_low, ci_speed_high, pred_yield_risk, ci_yield_low, ci_yield_high,
                                pred_overall_health, high_uncertainty, recommend_physics, inference_time_ms)
                            VALUES (?, ?, ?, 'shadow', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(p.jobId() + SHADOW_SUFFIX, jobId, now, sh.modelVersion(), sp.speedVsAccuracy().score(),
                            sp.speedVsAccuracy().ciLow(), sp.speedVsAccuracy().ciHigh(), sp.yieldRisk().score(),
                            sp.yieldRisk().ciLow(), sp.yieldRisk().ciHigh(), sp.overallHealth().score(), sh.highUncertainty(),
                            sh.recommendPhysics(), sh.inferenceTimeMs())
                    .update();
            jdbc.sql("INSERT INTO shadow_predictions (job_id, model_version, predicted_at, predictions) VALUES (?, ?, ?, ?)")
                    .params(jobId, sh.modelVersion(), now, json.writeValueAsString(sp))
                    .update();
        }
    }

    /** The shadow candidate's stored answer for a job, if one predicted beside its preflight. */
    public Optional<PreflightDecision.ShadowPrediction> findShadow(String jobId) {
        return jdbc.sql("SELECT model_version, predictions FROM shadow_predictions WHERE job_id = ?")
                .param(jobId)
                .query((rs, i) -> new PreflightDecision.ShadowPrediction(rs.getString(1),
                        json.readValue(rs.getString(2), SignalPredictions.class), false, false, 0))
                .optional();
    }

    /**
     * Scores a job's shadow answer against its actual signals the way the offline accuracy counts (ML.md:
     * a (job, signal) pair is accurate when |actual − predicted| ≤ 0.05); a job scored once stays scored.
     * Call inside the transaction that completes the job's evaluation.
     */
    public void evaluateShadow(String jobId, double[] actual) {
        findShadow(jobId).ifPresent(sh -> {
            SignalEstimate[] p = sh.predictions().toArray();
            int ok = 0;
            for (int i = 0; i < p.length; i++) {
                ok += Math.abs(actual[i] - p[i].score()) <= Evaluation.TOLERANCE ? 1 : 0;
            }
            jdbc.sql("UPDATE shadow_predictions SET evaluated_at = ?, accurate_pairs = ? WHERE job_id = ? AND evaluated_at IS NULL")
                    .params(LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC), ok, jobId)
                    .update();
        });
    }

    /** The stored decision of a job, if it passed preflight. */
    public Optional<PreflightDecision> find(String jobId) {
        var violations = json.getTypeFactory().constructCollectionType(List.class, ConstraintViolation.class);
        return jdbc.sql("SELECT prediction, blocked, block_reasons, unconfirmed, alternatives FROM preflight_decisions WHERE job_id = ?")
                .param(jobId)
                .query((rs, i) -> new PreflightDecision(
                        json.readValue(rs.getString("prediction"), TradeoffPrediction.class), rs.getBoolean("blocked"),
                        json.readValue(rs.getString("block_reasons"), violations),
                        json.readValue(rs.getString("unconfirmed"), violations),
                        json.readValue(rs.getString("alternatives"),
                                json.getTypeFactory().constructCollectionType(List.class, Alternative.class))))
                .optional();
    }
}
