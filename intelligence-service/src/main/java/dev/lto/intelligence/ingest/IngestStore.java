package dev.lto.intelligence.ingest;

import static dev.lto.intelligence.storage.StoredTime.instant;
import static dev.lto.intelligence.storage.StoredTime.utc;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.events.WaferYield;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code metric_snapshots} and {@code wafer_yields} (schema-ingest.sql). Inserts are idempotent on
 * the event id; timestamps are stored as UTC.
 */
@Repository
class IngestStore implements WaferYields, MetricSnapshots {

    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    IngestStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores the snapshot unless its event id is known; true when it was new. */
    boolean insert(String eventId, MetricSnapshot s) {
        return jdbc.sql("""
                        INSERT INTO metric_snapshots (event_id, job_id, snapshot_at, adapter_type, stage, progress, elapsed_s,
                            gpu_utilization, memory_bytes, metrics, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(eventId, s.jobId(), utc(s.timestamp()), s.adapterType(), s.stage(), s.progress(), s.elapsedS(),
                        s.gpuUtilization(), s.memoryBytes(), json.writeValueAsString(s.metrics()), utc(Instant.now()))
                .update() == 1;
    }

    /** Stores the measurement unless its event id is known; true when it was new. */
    boolean insert(String eventId, WaferYield y) {
        return jdbc.sql("""
                        INSERT INTO wafer_yields (event_id, job_id, yield_fraction, wafer_id, lot_id, measured_at, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(eventId, y.jobId(), y.yieldFraction(), y.waferId(), y.lotId(), utc(y.measuredAt()), utc(Instant.now()))
                .update() == 1;
    }

    @Override
    public Optional<WaferYield> latestFor(String jobId) {
        return jdbc.sql("""
                        SELECT job_id, yield_fraction, wafer_id, lot_id, measured_at FROM wafer_yields WHERE job_id = ?
                        ORDER BY measured_at DESC, received_at DESC, event_id DESC LIMIT 1""")
                .param(jobId).query(IngestStore::yieldRow).optional();
    }

    @Override
    public List<WaferYield> allFor(String jobId) {
        return jdbc.sql("""
                        SELECT job_id, yield_fraction, wafer_id, lot_id, measured_at FROM wafer_yields WHERE job_id = ?
                        ORDER BY measured_at, received_at, event_id""")
                .param(jobId).query(IngestStore::yieldRow).list();
    }

    @Override
    public Map<String, WaferYield> latestFor(Collection<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        Map<String, WaferYield> latest = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT job_id, yield_fraction, wafer_id, lot_id, measured_at FROM wafer_yields WHERE job_id IN (:ids)
                        QUALIFY row_number() OVER (PARTITION BY job_id ORDER BY measured_at DESC, received_at DESC, event_id DESC) = 1""")
                .param("ids", List.copyOf(jobIds))
                .query(IngestStore::yieldRow).list()
                .forEach(y -> latest.put(y.jobId(), y));
        return latest;
    }

    @Override
    public List<MetricSnapshot> snapshotsFor(String jobId) {
        return jdbc.sql("""
                        SELECT job_id, snapshot_at, adapter_type, stage, progress, elapsed_s, gpu_utilization, memory_bytes, metrics
                        FROM metric_snapshots WHERE job_id = ? ORDER BY snapshot_at, received_at, event_id""")
                .param(jobId)
                .query((rs, i) -> new MetricSnapshot(rs.getString("job_id"), instant(rs, "snapshot_at"), rs.getString("adapter_type"),
                        rs.getString("stage"), rs.getDouble("progress"), rs.getDouble("elapsed_s"),
                        rs.getObject("gpu_utilization", Double.class), rs.getObject("memory_bytes", Long.class),
                        json.readValue(rs.getString("metrics"), METRICS)))
                .list();
    }

    private static WaferYield yieldRow(ResultSet rs, int row) throws SQLException {
        return new WaferYield(rs.getString("job_id"), rs.getDouble("yield_fraction"), rs.getString("wafer_id"),
                rs.getString("lot_id"), instant(rs, "measured_at"));
    }


}
