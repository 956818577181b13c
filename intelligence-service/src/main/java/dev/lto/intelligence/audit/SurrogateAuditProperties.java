package dev.lto.intelligence.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code lto.surrogate-audit.*}: re-running completed surrogate jobs' images on the full Abbe path
 * (docs/ml.md §14).
 *
 * @param enabled    audit at all (off in training campaigns is not needed: the audit never changes a job)
 * @param share      share of surrogate jobs audited, chosen by a hash of the job id (deterministic)
 * @param window     the trend is the mean RMSE of the last this many audits of a job class (in the episode)
 * @param minAudits  a trend over fewer audits raises no alert
 * @param threshold  trend above which the surrogate has drifted for the class, in clear-field units
 *                   (0.015 = the seed's 1.5 %)
 * @param suspicion  a class whose trend exceeds suspicion × threshold, or that has an active
 *                   forced-physics rule, is under suspicion: all its surrogate jobs are audited
 * @param interval   how often the queue is drained
 * @param maxPerDrain at most this many audits per drain (the rest wait for the next one)
 */
@ConfigurationProperties("lto.surrogate-audit")
public record SurrogateAuditProperties(@DefaultValue("true") boolean enabled,
                                       @DefaultValue("0.05") double share,
                                       @DefaultValue("20") int window,
                                       @DefaultValue("5") int minAudits,
                                       @DefaultValue("0.015") double threshold,
                                       @DefaultValue("0.5") double suspicion,
                                       @DefaultValue("2s") Duration interval,
                                       @DefaultValue("10") int maxPerDrain) {

    public SurrogateAuditProperties {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("lto.surrogate-audit.share must be in [0, 1], got " + share);
        }
        if (window < 1 || minAudits < 1 || minAudits > window) {
            throw new IllegalArgumentException("lto.surrogate-audit: need 1 <= min-audits <= window, got " + minAudits
                    + " and " + window);
        }
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("lto.surrogate-audit.threshold must be positive, got " + threshold);
        }
    }
}
