package dev.lto.intelligence.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.AlertSeverity;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.events.AlertRaised;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.simulator.spi.SurrogateAudit;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The surrogate audit flow (docs/ml.md §14). A completed surrogate job is picked for an audit in the
 * transaction that completes it ({@link #enqueue}): a deterministic share by job id, or every job of a
 * class under suspicion. A background thread of its own, at the lowest priority, drains the queue:
 * the adapter re-images the job on the full Abbe path ({@link SimulatorInterface#auditSurrogate}),
 * the RMSE is stored and the class's trend (mean of its last {@code window} audits in the episode) is
 * exported as {@code lto_surrogate_audit_rmse{audit_class}}. A trend above the threshold raises, once
 * per episode, a forced-physics rule for the class and the {@code surrogate_drift} alert on
 * {@code lto.alerts}; the preflight then recommends physics for the class ({@link #forcedPhysics})
 * until an admin clears the rule, which ends the episode (the trend restarts from later audits).
 *
 * <p>Nothing here touches a job's result or state: the pick is an extra row in the completing
 * transaction, and the audit runs after it on its own thread.
 */
public class SurrogateAuditor {

    private static final Logger log = LoggerFactory.getLogger(SurrogateAuditor.class);
    static final String BINDING = "driftAlerts-out-0";
    static final String ALERT_TYPE = "surrogate_drift";
    static final String SAMPLED = "sampled";
    static final String SUSPECTED = "suspected";

    /** A class's trend: mean RMSE of its last audits in the episode. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trend(@JsonProperty("job_class") String auditClass,
                        @JsonProperty("audits") int audits,
                        @JsonProperty("mean_rmse") Double meanRmse,
                        @JsonProperty("max_rmse") Double maxRmse,
                        @JsonProperty("nominal_rmse") Double nominalRmse,
                        @JsonProperty("threshold") double threshold,
                        @JsonProperty("suspected") boolean suspected,
                        @JsonProperty("drifted") boolean drifted) {
    }

    /** A forced-physics rule as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RuleView(@JsonProperty("rule_id") String ruleId,
                           @JsonProperty("job_class") String auditClass,
                           @JsonProperty("raised_at") Instant raisedAt,
                           @JsonProperty("trend_rmse") double trendRmse,
                           @JsonProperty("threshold") double threshold,
                           @JsonProperty("audits") int audits,
                           @JsonProperty("job_id") String jobId,
                           @JsonProperty("active") boolean active,
                           @JsonProperty("cleared_at") Instant clearedAt,
                           @JsonProperty("cleared_by") String clearedBy,
                           @JsonProperty("clear_reason") String clearReason) {

        static RuleView of(SurrogateAuditStore.Rule r) {
            return new RuleView(r.ruleId(), r.auditClass(), r.raisedAt(), r.trendRmse(), r.threshold(), r.audits(), r.jobId(),
                    r.clearedAt() == null, r.clearedAt(), r.clearedBy(), r.clearReason());
        }
    }

    /** What {@code GET /api/v1/models/surrogate-audit} answers. */
    public record Report(@JsonProperty("enabled") boolean enabled,
                         @JsonProperty("share") double share,
                         @JsonProperty("window") int window,
                         @JsonProperty("min_audits") int minAudits,
                         @JsonProperty("threshold") double threshold,
                         @JsonProperty("queued") long queued,
                         @JsonProperty("audits") long audits,
                         @JsonProperty("classes") List<Trend> classes,
                         @JsonProperty("active_rules") List<RuleView> activeRules,
                         @JsonProperty("rules") List<RuleView> rules) {
    }

    /** A class's active rule, as the preflight applies it. */
    public record ForcedPhysics(String auditClass, String ruleId, double trendRmse, double threshold) {

        public String reason() {
            return String.format(Locale.ROOT, "surrogate drift on %s: audited surrogate-vs-Abbe image error %.2f%% above the"
                    + " %.2f%% threshold; physics forced for the class until an admin clears rule %s", AuditClass.describe(auditClass),
                    100 * trendRmse, 100 * threshold, ruleId);
        }
    }

    private final SurrogateAuditProperties props;
    private final SurrogateAuditStore store;
    private final SimulatorAdapters adapters;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean drains;
    private final Map<String, ForcedPhysics> active = new ConcurrentHashMap<>();
    private final Map<String, double[]> trendGauges = new ConcurrentHashMap<>();
    private final Timer duration;
    private final Timer abbeDuration;
    private ScheduledExecutorService executor;

    SurrogateAuditor(SurrogateAuditProperties props, SurrogateAuditStore store, SimulatorAdapters adapters, EventPublisher publisher,
                     MeterRegistry meters, Clock clock, TransactionTemplate tx, boolean drains) {
        this.props = props;
        this.store = store;
        this.adapters = adapters;
        this.publisher = publisher;
        this.meters = meters;
        this.clock = clock;
        this.tx = tx;
        this.drains = drains;
        this.duration = Timer.builder("lto.surrogate.audit.duration").description("Wall time of one surrogate audit (both images)")
                .register(meters);
        this.abbeDuration = Timer.builder("lto.surrogate.audit.abbe.duration")
                .description("Wall time of the full Abbe image of one surrogate audit (its extra cost)").register(meters);
        Gauge.builder("lto.surrogate.audit.threshold", props, SurrogateAuditProperties::threshold)
                .description("Surrogate audit trend above which a job class drifts (clear-field units)").register(meters);
        Gauge.builder("lto.surrogate.audit.queue", store, SurrogateAuditStore::queueSize)
                .description("Surrogate audits waiting").register(meters);
    }

    void start() {
        loadRules();
        for (String c : store.classes()) {
            updateGauge(trend(c));
        }
        if (!drains || !props.enabled()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "surrogate-audit");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY); // off the jobs' critical path: their workers go first
            return t;
        });
        long ms = Math.max(1, props.interval().toMillis());
        executor.scheduleWithFixedDelay(() -> {
            try {
                drain();
            } catch (RuntimeException e) {
                log.warn("Surrogate audit: drain failed ({}); next try in {}", e.toString(), props.interval());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /**
     * Picks a completed job for an audit: call inside the transaction that completes it. Returns the
     * reason it was picked (sampled, suspected), empty when it was not (not a surrogate job, not
     * sampled, or audited/queued already).
     */
    public Optional<String> enqueue(String jobId, String adapterType, JobParameters p) {
        if (!props.enabled() || !Boolean.TRUE.equals(p.useAiSurrogate()) || adapterType == null) {
            return Optional.empty();
        }
        String cls = AuditClass.of(p);
        String reason = suspected(cls) ? SUSPECTED : sampled(jobId, props.share()) ? SAMPLED : null;
        if (reason == null || !store.enqueue(jobId, cls, adapterType, p, reason, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(reason);
    }

    /**
     * Whether a job is in the audited share: the first 8 bytes of SHA-256(job id) as a fraction of 2⁶⁴
     * below the share. Deterministic (a re-delivered job decides the same) and independent of how ids
     * are formed (sequential ids spread evenly).
     */
    static boolean sampled(String jobId, double share) {
        if (share <= 0) {
            return false;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            double u = (ByteBuffer.wrap(h).getLong() >>> 11) * 0x1.0p-53; // uniform in [0, 1)
            return u < share;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Under suspicion: an active rule, or a trend above suspicion × threshold. */
    boolean suspected(String cls) {
        if (active.containsKey(cls)) {
            return true;
        }
        Trend t = trend(cls);
        return t.meanRmse() != null && t.meanRmse() > props.suspicion() * props.threshold();
    }

    /** The active forced-physics rule of the job's class, if any (read by the preflight gate). */
    public Optional<ForcedPhysics> forcedPhysics(JobParameters p) {
        return active.isEmpty() ? Optional.empty() : Optional.ofNullable(active.get(AuditClass.of(p)));
    }

    /** Runs the queued audits (at most maxPerDrain); returns how many were stored. */
    public synchronized int drain() {
        republishUnannounced();
        int done = 0;
        for (SurrogateAuditStore.Queued q : store.queued(Math.max(1, props.maxPerDrain()))) {
            done += audit(q) ? 1 : 0;
        }
        return done;
    }

    private boolean audit(SurrogateAuditStore.Queued q) {
        Optional<SimulatorInterface> adapter = adapters.find(q.adapterType());
        Optional<SurrogateAudit> a;
        try {
            a = adapter.flatMap(s -> s.auditSurrogate(q.parameters()));
        } catch (RuntimeException e) {
            log.warn("Surrogate audit of {} failed: {}", q.jobId(), e.toString());
            store.failed(q.jobId(), e.toString());
            return false;
        }
        if (a.isEmpty()) {
            // No such adapter here, or it has no surrogate path: nothing to compare, ever.
            log.info("Surrogate audit of {}: adapter {} cannot audit it; dropped", q.jobId(), q.adapterType());
            store.dequeue(q.jobId());
            return false;
        }
        SurrogateAudit audit = a.get();
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> store.store(q, audit, now));
        duration.record(java.time.Duration.ofNanos((long) (audit.seconds() * 1e9)));
        abbeDuration.record(java.time.Duration.ofNanos((long) (audit.abbeSeconds() * 1e9)));
        Trend t = trend(q.auditClass());
        updateGauge(t);
        if (t.drifted() && !active.containsKey(q.auditClass())) {
            raise(t, q.jobId(), now);
        }
        return true;
    }

    Trend trend(String cls) {
        List<SurrogateAuditStore.Stored> recent = store.recent(cls, props.window());
        if (recent.isEmpty()) {
            return new Trend(cls, 0, null, null, null, props.threshold(), active.containsKey(cls), false);
        }
        double sum = 0;
        double max = 0;
        double nominal = 0;
        int nominals = 0;
        for (SurrogateAuditStore.Stored s : recent) {
            sum += s.rmse();
            max = Math.max(max, s.rmse());
            if (s.nominalRmse() != null) {
                nominal += s.nominalRmse();
                nominals++;
            }
        }
        double mean = sum / recent.size();
        boolean drifted = recent.size() >= props.minAudits() && mean > props.threshold();
        boolean suspected = active.containsKey(cls) || mean > props.suspicion() * props.threshold();
        return new Trend(cls, recent.size(), mean, max, nominals == 0 ? null : nominal / nominals, props.threshold(), suspected,
                drifted);
    }

    private void raise(Trend t, String jobId, Instant now) {
        SurrogateAuditStore.Rule rule = new SurrogateAuditStore.Rule("fpr_" + UUID.randomUUID().toString().substring(0, 12),
                t.auditClass(), now, t.meanRmse(), props.threshold(), t.audits(), jobId, false, null, null, null);
        store.raise(rule);
        active.put(rule.auditClass(), forced(rule));
        log.warn("Surrogate audit: {} drifted (trend {} over {} audits, threshold {}); physics forced until cleared",
                rule.auditClass(), t.meanRmse(), t.audits(), props.threshold());
        announce(rule);
    }

    /** Rules whose alert the stream did not take (e.g. Redis down) are announced on the next drain. */
    private void republishUnannounced() {
        for (SurrogateAuditStore.Rule r : store.activeRules()) {
            if (!r.alertPublished()) {
                announce(r);
            }
        }
    }

    private void announce(SurrogateAuditStore.Rule r) {
        String what = AuditClass.describe(r.auditClass());
        String message = String.format(Locale.ROOT, "Surrogate drift detected: %.1f%% (threshold: %.1f%%) on %s: mean surrogate-vs-Abbe"
                + " aerial-image RMSE of its last %d audits", 100 * r.trendRmse(), 100 * r.threshold(), what, r.audits());
        String recommendation = "Force physics simulation for " + what + " (rule " + r.ruleId() + " is in force: the preflight"
                + " recommends physics for the class); clear it with POST /api/v1/models/surrogate-audit/clear once the surrogate is fixed";
        if (publish(new AlertRaised(ALERT_TYPE, AlertSeverity.WARN, r.jobId(), message, recommendation, fingerprint(r.auditClass()),
                null))) {
            store.alertPublished(r.ruleId());
        }
    }

    /** Clears the class's active rule (an admin action: who and why are stored); empty when none is active. */
    public synchronized Optional<RuleView> clear(String auditClass, String by, String reason) {
        Optional<SurrogateAuditStore.Rule> cleared = store.clear(auditClass, by, reason, clock.instant());
        cleared.ifPresent(r -> {
            active.remove(auditClass);
            updateGauge(trend(auditClass));
            publish(new AlertRaised(ALERT_TYPE, AlertSeverity.INFO, null, "Surrogate drift rule " + r.ruleId() + " on "
                    + AuditClass.describe(auditClass) + " cleared by " + by + (reason == null ? "" : ": " + reason),
                    null, fingerprint(auditClass), true));
        });
        return cleared.map(RuleView::of);
    }

    public Report report() {
        List<Trend> trends = new ArrayList<>();
        for (String c : store.classes()) {
            trends.add(trend(c));
        }
        return new Report(props.enabled(), props.share(), props.window(), props.minAudits(), props.threshold(), store.queueSize(),
                store.audits(), trends, store.activeRules().stream().map(RuleView::of).toList(),
                store.history(100).stream().map(RuleView::of).toList());
    }

    private void loadRules() {
        active.clear();
        for (SurrogateAuditStore.Rule r : store.activeRules()) {
            active.put(r.auditClass(), forced(r));
        }
    }

    private static ForcedPhysics forced(SurrogateAuditStore.Rule r) {
        return new ForcedPhysics(r.auditClass(), r.ruleId(), r.trendRmse(), r.threshold());
    }

    private void updateGauge(Trend t) {
        double[] v = trendGauges.computeIfAbsent(t.auditClass(), c -> {
            double[] holder = {Double.NaN};
            Gauge.builder("lto.surrogate.audit.rmse", holder, h -> h[0])
                    .description("Mean surrogate-vs-Abbe aerial-image RMSE of the job class's last audits (clear-field units)")
                    .tag("audit_class", c).register(meters);
            return holder;
        });
        v[0] = t.meanRmse() == null ? Double.NaN : t.meanRmse();
    }

    private static String fingerprint(String auditClass) {
        return ALERT_TYPE + "/" + auditClass;
    }

    private boolean publish(AlertRaised a) {
        return publisher.tryPublish(BINDING, EventEnvelope.of(EventTypes.ALERT_RAISED, a.effectiveFingerprint(), "intelligence-service", a),
                "retried on the next drain");
    }
}
