package dev.lto.action.streams;

import java.net.URI;
import java.net.URLEncoder;
import dev.lto.security.ServiceKey;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code tradeoff_scores} of the metric frame, from the intelligence service's
 * {@code GET /api/v1/tradeoffs/trends} (the owner of job outcomes): per signal, {@code current} is
 * the mean of the latest bucket that has jobs, {@code trend} the API's own direction (Mann–Kendall
 * test and Theil–Sen size over the window's bucket means, read through the signal's polarity).
 * The seed's {@code compute_efficiency} is our {@code cost_vs_fidelity} signal: fidelity per unit
 * of compute spent. Asked every {@code trend-refresh} with a timeout, off the frame's path; when
 * the last good answer is older than {@code trend-stale-after}, scores are sent as unknown
 * ({@code current} null, {@code trend} stable), never as last week's numbers.
 */
class TradeoffTrends {

    /** Frame name → signal name in the intelligence service. */
    static final Map<String, String> SIGNALS = mapOf("speed_vs_accuracy", "speed_vs_accuracy", "yield_risk", "yield_risk",
            "compute_efficiency", "cost_vs_fidelity");

    private static final Logger log = LoggerFactory.getLogger(TradeoffTrends.class);

    private final StreamProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;
    private volatile Map<String, MetricFrame.Score> latest;
    private volatile Instant latestAt;

    private final ServiceKey serviceKey;

    TradeoffTrends(StreamProperties properties, JsonMapper json, Clock clock, ServiceKey serviceKey) {
        this.serviceKey = serviceKey;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(properties.trendTimeout()).build();
    }

    /** The scores of the last good answer, or unknown ones when there is none recent enough. */
    Map<String, MetricFrame.Score> scores() {
        Map<String, MetricFrame.Score> current = latest;
        Instant at = latestAt;
        if (current == null || at.plus(properties.trendStaleAfter()).isBefore(clock.instant())) {
            Map<String, MetricFrame.Score> unknown = new LinkedHashMap<>();
            SIGNALS.keySet().forEach(k -> unknown.put(k, new MetricFrame.Score(null, "stable")));
            return unknown;
        }
        return current;
    }

    /** One request to the trends API; on failure the previous answer stands until it is stale. */
    void refresh() {
        String url = properties.intelligenceUrl() + "/api/v1/tradeoffs/trends?bucket="
                + URLEncoder.encode(properties.trendBucket(), StandardCharsets.UTF_8)
                + "&signal=" + String.join(",", SIGNALS.values());
        try {
            HttpResponse<String> r = http.send(serviceKey.sign(HttpRequest.newBuilder(URI.create(url))).timeout(properties.trendTimeout()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                log.debug("Tradeoff trends: {} answered HTTP {}", url, r.statusCode());
                return;
            }
            latest = parse(json.readTree(r.body()));
            latestAt = clock.instant();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Tradeoff trends: {} not answering: {}", url, e.toString());
        }
    }

    static Map<String, MetricFrame.Score> parse(JsonNode report) {
        Map<String, MetricFrame.Score> out = new LinkedHashMap<>();
        SIGNALS.forEach((frameName, signal) -> {
            JsonNode trend = report.path("signals").path(signal);
            String direction = trend.path("direction").asString("stable");
            if (!List.of("stable", "improving", "degrading").contains(direction)) {
                direction = "stable";
            }
            Double current = null;
            for (JsonNode bucket : trend.path("buckets")) {
                if (bucket.path("count").asLong(0) > 0 && bucket.hasNonNull("mean")) {
                    current = bucket.get("mean").asDouble(); // buckets are in time order: the last one with jobs wins
                }
            }
            out.put(frameName, new MetricFrame.Score(current == null ? null : Math.round(current * 1000) / 1000.0, direction));
        });
        return out;
    }

    private static Map<String, String> mapOf(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
