package dev.lto.intelligence.preflight;

import dev.lto.contracts.ConstraintViolation;
import dev.lto.contracts.SignalEstimate;
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
 * and the full decision in {@code preflight_decisions}. Idempotent per job: the first decision stays.
 */
@Repository
public class PredictionStore {

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
