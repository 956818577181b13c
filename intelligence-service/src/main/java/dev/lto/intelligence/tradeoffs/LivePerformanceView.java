package dev.lto.intelligence.tradeoffs;

import dev.lto.engine.evaluation.LivePerformance.SignalPerformance;
import dev.lto.engine.evaluation.LivePerformance.Window;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.intelligence.performance.LivePerformanceStore;
import dev.lto.intelligence.performance.LivePerformanceStore.DailyRow;
import dev.lto.intelligence.models.ModelProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The live half of {@code GET /api/v1/models/performance} (docs/api.md): the serving version's last
 * {@code lto.models.live.window} evaluated jobs and its stored per-day rows of the last {@value #DAYS}
 * days, and per signal the live window beside the offline test metrics.
 */
@Component
class LivePerformanceView {

    /** Days of per-day rows in the response (today and the 29 before it). */
    static final int DAYS = 30;

    private final LivePerformanceStore store;
    private final int window;

    LivePerformanceView(LivePerformanceStore store, ModelProperties models) {
        this.store = store;
        this.window = models.live().window();
    }

    /** Adds {@code live} and {@code signals} to the response of model {@code version} with offline metrics {@code offline}. */
    void addTo(Map<String, Object> out, String version, ModelMetrics offline) {
        // Read only: the store's daily rows include the days its scheduled refresh has not stored yet.
        Window w = store.window(version, window);
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("window_size", window);
        live.put("jobs", w.jobs());
        live.put("critical_jobs", w.criticalJobs());
        live.put("from", w.from());
        live.put("to", w.to());
        live.put("accuracy", num(w.accuracy()));
        live.put("critical_accuracy", w.criticalAccuracy());
        live.put("coverage", num(w.coverage()));
        live.put("mean_interval_width", num(w.meanWidth()));
        Map<String, Map<String, Object>> windowBySignal = new LinkedHashMap<>();
        for (SignalPerformance s : w.signals()) {
            windowBySignal.put(s.signal(), signal(s));
        }
        live.put("per_signal", windowBySignal);
        List<DailyRow> rows = store.daily(version, store.today().minusDays(DAYS - 1));
        List<Map<String, Object>> days = new ArrayList<>();
        Map<String, Object> day = null;
        for (DailyRow r : rows) {
            if (LivePerformanceStore.ALL.equals(r.signal())) {
                day = new LinkedHashMap<>();
                day.put("day", r.day().toString());
                day.put("jobs", r.jobs());
                day.put("critical_jobs", r.criticalJobs());
                day.put("accuracy", r.accuracy());
                day.put("critical_accuracy", r.criticalAccuracy());
                day.put("coverage", r.coverage());
                day.put("mean_interval_width", r.meanIntervalWidth());
                day.put("per_signal", new LinkedHashMap<String, Object>());
                days.add(day);
            } else if (day != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> perSignal = (Map<String, Object>) day.get("per_signal");
                perSignal.put(r.signal(), signal(r));
            }
        }
        live.put("daily", days);
        out.put("live", live);

        Map<String, Object> signals = new LinkedHashMap<>();
        for (SignalPerformance s : w.signals()) {
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("live", windowBySignal.get(s.signal()));
            ModelMetrics.SignalMetrics off = offline == null || offline.perSignal() == null ? null : offline.perSignal().get(s.signal());
            both.put("offline", off);
            signals.put(s.signal(), both);
        }
        out.put("signals", signals);
    }

    private static Map<String, Object> signal(SignalPerformance s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", num(s.accuracy()));
        m.put("critical_accuracy", s.criticalAccuracy());
        m.put("coverage", num(s.coverage()));
        m.put("mean_interval_width", num(s.meanWidth()));
        m.put("mae", num(s.mae()));
        return m;
    }

    private static Map<String, Object> signal(DailyRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", r.accuracy());
        m.put("critical_accuracy", r.criticalAccuracy());
        m.put("coverage", r.coverage());
        m.put("mean_interval_width", r.meanIntervalWidth());
        m.put("mae", r.mae());
        return m;
    }

    /** JSON has no NaN: an empty window's rates are null. */
    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
