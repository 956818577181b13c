package dev.lto.action.alerts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.action.alerts.*}: the alert engine and its Alertmanager delivery (docs/alerts.md).
 *
 * @param publicUrl          base URL people reach this service at; alerts' {@code generatorURL} points there
 * @param checkInterval      how often system conditions (health checks) are evaluated
 * @param lagWarn            a consumer group lagging by more entries than this raises a WARN
 * @param alertmanagerUrl    Alertmanager's base URL; empty = no delivery (nothing is queued)
 * @param refireInterval     open alerts are re-sent this often; keep it well below Alertmanager's
 *                           {@code resolve_timeout} (5m by default)
 * @param endsAfter          a firing alert's {@code endsAt} is the push time plus this, so Alertmanager
 *                           ends it by itself if this service stops re-sending (like Prometheus does)
 * @param retryMin           first back-off after a failed delivery, doubling up to {@code retryMax}
 * @param retryMax           longest back-off
 * @param pollInterval       how often the outbox is looked at for due retries
 * @param timeout            HTTP timeout towards Alertmanager
 */
@ConfigurationProperties("lto.action.alerts")
record AlertProperties(
        @DefaultValue("http://localhost:8083") String publicUrl,
        @DefaultValue("15s") Duration checkInterval,
        @DefaultValue("1000") long lagWarn,
        @DefaultValue("") String alertmanagerUrl,
        @DefaultValue("60s") Duration refireInterval,
        @DefaultValue("4m") Duration endsAfter,
        @DefaultValue("1s") Duration retryMin,
        @DefaultValue("60s") Duration retryMax,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("5s") Duration timeout) {

    boolean alertmanagerEnabled() {
        return alertmanagerUrl != null && !alertmanagerUrl.isBlank();
    }
}
