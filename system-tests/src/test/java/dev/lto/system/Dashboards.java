package dev.lto.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The provisioned Grafana dashboards ({@code grafana/dashboards/*.json}) and their panels' queries. */
final class Dashboards {

    static final Path DIR = PrometheusServer.REPO.resolve("grafana").resolve("dashboards");
    static final String DATASOURCE_UID = "lto-prometheus";
    static final List<String> FILES = List.of("engineers.json", "executives.json");

    /** One target of one panel, with the expression as written and as Prometheus gets it. */
    record Query(String dashboard, int panelId, String panelTitle, String refId, String expr) {

        /**
         * Template variables substituted as Grafana does with "All" selected (the variables' allValue
         * {@code .*}) and {@code $__rate_interval} as a fixed window long enough for a short campaign.
         */
        String promql() {
            return expr.replace("$__rate_interval", "5m").replace("$service", ".*").replace("$instance", ".*");
        }
    }

    private Dashboards() {
    }

    static JsonNode read(String file) throws Exception {
        return SystemProbe.JSON.readTree(Files.readString(DIR.resolve(file)));
    }

    /** Every panel (rows' nested panels included), in order. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    static List<Query> queries() throws Exception {
        List<Query> out = new ArrayList<>();
        for (String file : FILES) {
            for (JsonNode p : panels(read(file))) {
                for (JsonNode t : p.path("targets")) {
                    out.add(new Query(file, p.path("id").asInt(), p.path("title").asString(), t.path("refId").asString(),
                            t.path("expr").asString()));
                }
            }
        }
        return out;
    }
}
