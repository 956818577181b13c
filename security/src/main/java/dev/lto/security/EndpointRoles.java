package dev.lto.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * THE endpoint-to-role table of every LTO service (docs/api.md shows it, {@code EndpointRolesDocTest}
 * keeps the two equal). A request is let through when the first rule matching its method and path allows
 * the caller's role; a request no rule matches is refused (401 without a key, 403 with one). A new endpoint
 * is protected by adding one line here; each service's {@code EndpointRoleTableTest} fails while one is
 * missing. Patterns are Spring path patterns, exactly as the controller mapping writes them.
 */
public final class EndpointRoles {

    /** {@code role == null}: answers without a key. {@code method == null}: any method. */
    public record Rule(String service, HttpMethod method, String pattern, Role role) {

        String access() {
            return role == null ? "public" : role.wireName();
        }
    }

    private static final HttpMethod GET = HttpMethod.GET;
    private static final HttpMethod POST = HttpMethod.POST;
    private static final HttpMethod DELETE = HttpMethod.DELETE;
    private static final Role VIEWER = Role.VIEWER;
    private static final Role SUBMITTER = Role.SUBMITTER;
    private static final Role ENGINEER = Role.ENGINEER;
    private static final Role ADMIN = Role.ADMIN;
    /** The path of the metrics scrape: public unless {@code lto.auth.metrics-require-key} (then viewer). */
    static final String PROMETHEUS = "/actuator/prometheus";

    public static final List<Rule> RULES = List.of(
            // every service: probes and metrics
            new Rule("all", GET, "/actuator/health", null),
            new Rule("all", GET, "/actuator/health/liveness", null),
            new Rule("all", GET, "/actuator/health/readiness", null),
            // one component's health (e.g. /actuator/health/simulators): with a key; the probes above stay open
            new Rule("all", GET, "/actuator/health/**", VIEWER),
            new Rule("all", GET, PROMETHEUS, null),
            new Rule("all", GET, "/actuator/info", VIEWER),
            // Boot's error page: what a refused or failed request is forwarded to, it holds nothing of its own
            new Rule("all", null, "/error", null),
            new Rule("all", GET, "/v3/api-docs/**", VIEWER),
            new Rule("all", GET, "/v3/api-docs", VIEWER),
            new Rule("all", GET, "/v3/api-docs.yaml", VIEWER),
            new Rule("all", GET, "/swagger-ui.html", VIEWER),
            new Rule("all", GET, "/swagger-ui/**", VIEWER),
            // ingestion-service
            new Rule("ingestion", POST, "/api/v1/jobs/submit", SUBMITTER),
            new Rule("ingestion", POST, "/ingest/job", SUBMITTER),
            new Rule("ingestion", POST, "/ingest/metrics", SUBMITTER),
            new Rule("ingestion", POST, "/ingest/yield", SUBMITTER),
            // intelligence-service
            new Rule("intelligence", GET, "/api/v1/jobs/{jobId}", VIEWER),
            new Rule("intelligence", DELETE, "/api/v1/jobs/{jobId}", SUBMITTER),
            new Rule("intelligence", POST, "/api/v1/jobs/{jobId}/review", ENGINEER),
            new Rule("intelligence", GET, "/api/v1/jobs/{jobId}/report", VIEWER),
            new Rule("intelligence", GET, "/api/v1/jobs/{jobId}/artifacts/aerial.png", VIEWER),
            new Rule("intelligence", GET, "/api/v1/jobs/{jobId}/artifacts/resist.png", VIEWER),
            new Rule("intelligence", GET, "/api/v1/jobs/{jobId}/artifacts/bossung.png", VIEWER),
            new Rule("intelligence", POST, "/api/v1/tradeoffs/predict", ENGINEER),
            new Rule("intelligence", POST, "/api/v1/tradeoffs/predict/batch", ENGINEER),
            new Rule("intelligence", GET, "/api/v1/tradeoffs/history", VIEWER),
            new Rule("intelligence", GET, "/api/v1/tradeoffs/trends", VIEWER),
            // the registry shows who did what (the audit) and where the artifacts lie: admin, like its actions
            new Rule("intelligence", GET, "/api/v1/models", ADMIN),
            new Rule("intelligence", POST, "/api/v1/models/{version}/promote", ADMIN),
            new Rule("intelligence", POST, "/api/v1/models/rollback", ADMIN),
            new Rule("intelligence", POST, "/api/v1/models/retrain", ADMIN),
            new Rule("intelligence", GET, "/api/v1/models/retrain/{runId}", ADMIN),
            new Rule("intelligence", GET, "/api/v1/models/**", VIEWER),
            new Rule("intelligence", POST, "/api/v1/models/**", ADMIN),
            new Rule("intelligence", GET, "/api/v1/simulators/health", VIEWER),
            // action-service
            new Rule("action", GET, "/api/v1/health", VIEWER),
            new Rule("action", GET, "/api/v1/health/components", VIEWER),
            new Rule("action", GET, "/api/v1/alerts/active", VIEWER),
            new Rule("action", GET, "/api/v1/alerts/history", VIEWER),
            new Rule("action", GET, "/api/v1/alerts/{alertId}", VIEWER),
            new Rule("action", POST, "/api/v1/alerts/{alertId}/ack", ENGINEER),
            new Rule("action", POST, "/api/v1/alerts/{alertId}/feedback", ENGINEER),
            new Rule("action", POST, "/api/v1/alerts/alertmanager", SUBMITTER),
            new Rule("action", GET, "/api/v1/console/recent-jobs", VIEWER),
            new Rule("action", POST, "/api/v1/ws-tickets", VIEWER),
            new Rule("action", GET, "/ws/metrics", VIEWER),
            new Rule("action", GET, "/ws/alerts", VIEWER),
            new Rule("action", GET, "/api/v1/keys", ADMIN),
            new Rule("action", POST, "/api/v1/keys", ADMIN),
            new Rule("action", DELETE, "/api/v1/keys/{keyId}", ADMIN),
            // the console page itself holds no data: it asks for a key and calls the API with it
            new Rule("action", GET, "/", null),
            new Rule("action", GET, "/index.html", null),
            new Rule("action", GET, "/console.js", null),
            new Rule("action", GET, "/console.css", null));

    private EndpointRoles() {
    }

    /** The rule for a mapped endpoint pattern, as the walk test and the docs see it. */
    static Rule ruleFor(HttpMethod method, String pattern) {
        for (Rule r : RULES) {
            if (r.method() != null && !r.method().equals(method)) {
                continue;
            }
            if (r.pattern().equals(pattern)
                    || r.pattern().endsWith("/**") && pattern.startsWith(r.pattern().substring(0, r.pattern().length() - 2))) {
                return r;
            }
        }
        return null;
    }

    /**
     * Every endpoint the application maps (controllers and WebSocket handlers) that has no rule, as
     * {@code "GET /path"}; empty when the table covers the service.
     */
    public static List<String> unruled(ApplicationContext context) {
        TreeSet<String> missing = new TreeSet<>();
        for (RequestMappingHandlerMapping m : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : m.getHandlerMethods().keySet()) {
                Collection<HttpMethod> methods = info.getMethodsCondition().getMethods().isEmpty()
                        ? List.of(GET, POST, DELETE, HttpMethod.PUT, HttpMethod.PATCH)
                        : info.getMethodsCondition().getMethods().stream().map(rm -> HttpMethod.valueOf(rm.name())).toList();
                for (String pattern : info.getPatternValues()) {
                    for (HttpMethod method : methods) {
                        if (ruleFor(method, pattern) == null) {
                            missing.add(method.name() + " " + pattern);
                        }
                    }
                }
            }
        }
        // WebSocket handlers (and any other URL-mapped handler that is not a static resource)
        for (AbstractUrlHandlerMapping m : context.getBeansOfType(AbstractUrlHandlerMapping.class).values()) {
            for (Map.Entry<String, Object> e : m.getHandlerMap().entrySet()) {
                if (e.getValue().getClass().getName().startsWith("org.springframework.web.servlet.resource.")) {
                    continue; // static files: each one the console serves is listed by name above; others fall to deny
                }
                if (ruleFor(GET, e.getKey()) == null) {
                    missing.add("GET " + e.getKey());
                }
            }
        }
        return new ArrayList<>(missing);
    }

    /** The table as docs/api.md shows it. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| service | method | path | role |\n| --- | --- | --- | --- |\n");
        for (Rule r : RULES) {
            b.append("| ").append(r.service()).append(" | ").append(r.method() == null ? "any" : r.method().name())
                    .append(" | `").append(r.pattern()).append("` | ").append(r.access()).append(" |\n");
        }
        return b.toString();
    }
}
