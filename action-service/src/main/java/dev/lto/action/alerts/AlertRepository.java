package dev.lto.action.alerts;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/** The {@code alerts} aggregate (Spring Data JDBC). History's filtered paging is in {@link AlertHistory}. */
interface AlertRepository extends ListCrudRepository<Alert, String> {

    @Query("SELECT * FROM alerts WHERE fingerprint = :fingerprint AND resolved_at IS NULL ORDER BY fired_at DESC LIMIT 1")
    Optional<Alert> findOpen(String fingerprint);

    @Query("SELECT * FROM alerts WHERE resolved_at IS NULL AND acknowledged_at IS NULL ORDER BY fired_at DESC, alert_id DESC")
    List<Alert> findActive();

    @Query("SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY fired_at, alert_id")
    List<Alert> findOpen();

    @Query("SELECT * FROM alerts WHERE resolved_at IS NULL AND source = :source")
    List<Alert> findOpenFrom(String source);

    @Query("SELECT * FROM alerts WHERE resolved_at IS NULL AND job_id = :jobId AND source = :source")
    List<Alert> findOpenForJob(String jobId, String source);
}
