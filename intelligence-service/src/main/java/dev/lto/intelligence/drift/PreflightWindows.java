package dev.lto.intelligence.drift;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffPrediction;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The stored preflight decisions that drift windows are made of ({@code preflight_decisions}). */
@Repository
class PreflightWindows {

    /** One preflight: the job's parameters, the six predicted scores, the model that predicted them. */
    record Preflight(JobParameters parameters, double[] scores, String modelVersion) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PreflightWindows(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The newest {@code n} preflights. */
    List<Preflight> last(int n) {
        return jdbc.sql("SELECT prediction FROM preflight_decisions ORDER BY decided_at DESC LIMIT ?")
                .param(n).query((rs, i) -> read(rs.getString(1))).list();
    }

    /** The preflights decided at or after {@code since}, at most {@code max} (the newest). */
    List<Preflight> since(Instant since, int max) {
        return jdbc.sql("SELECT prediction FROM preflight_decisions WHERE decided_at >= ? ORDER BY decided_at DESC LIMIT ?")
                .params(LocalDateTime.ofInstant(since, ZoneOffset.UTC), max).query((rs, i) -> read(rs.getString(1))).list();
    }

    private Preflight read(String prediction) {
        TradeoffPrediction p = json.readValue(prediction, TradeoffPrediction.class);
        var estimates = p.predictions().toArray();
        double[] scores = new double[estimates.length];
        for (int j = 0; j < scores.length; j++) {
            scores[j] = estimates[j].score();
        }
        return new Preflight(p.parameters(), scores, p.modelVersion());
    }
}
