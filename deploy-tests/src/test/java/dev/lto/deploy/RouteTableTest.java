package dev.lto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/routes.yaml is the one route table: the nginx edge, the Ingress and docs/api.md say the same. */
class RouteTableTest {

    private static final RouteTable TABLE = RouteTable.load();

    /** One route as each place writes it: path, match, service, rewritten upstream path ("" when none). */
    record Row(String path, String match, String service, String rewrite) {
    }

    private static List<Row> expected() {
        return TABLE.routes().stream()
                .map(r -> new Row(r.path(), r.match(), r.service(), r.rewrite() == null ? "" : r.rewrite())).toList();
    }

    @Test
    void theTableCoversEveryServiceAndTheWebSockets() {
        assertThat(TABLE.routes()).extracting(RouteTable.Route::service).containsOnly("ingestion", "intelligence", "action")
                .contains("ingestion", "intelligence", "action");
        assertThat(TABLE.serviceFor("/ws/metrics")).contains("action");
        assertThat(TABLE.routes()).filteredOn(RouteTable.Route::websocket).extracting(RouteTable.Route::path).containsExactly("/ws");
    }

    @Test
    void nginxRoutesAreTheTable() {
        String conf = Repository.read("deploy/nginx/routes.conf").replaceAll("(?m)#.*$", "");
        Matcher location = Pattern.compile("location\\s+(=\\s*)?(\\S+)\\s*\\{([^}]*)}").matcher(conf);
        List<Row> rows = new ArrayList<>();
        while (location.find()) {
            Matcher pass = Pattern.compile("proxy_pass\\s+http://(\\w+)(\\S*?);").matcher(location.group(3));
            assertThat(pass.find()).as("location %s has a proxy_pass", location.group(2)).isTrue();
            rows.add(new Row(location.group(2), location.group(1) == null ? "prefix" : "exact", pass.group(1), pass.group(2)));
            if (location.group(2).equals("/ws")) {
                assertThat(location.group(3)).contains("proxy_set_header Upgrade $http_upgrade", "proxy_set_header Connection $connection_upgrade",
                        "proxy_http_version 1.1");
            }
        }

        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected());
    }

    @Test
    void theIngressIsTheTable() {
        List<Row> rows = new ArrayList<>();
        Chart.render("values.yaml").stream().filter(Ingress.class::isInstance).map(Ingress.class::cast).forEach(ingress -> {
            String rewrite = ingress.getMetadata().getAnnotations().getOrDefault("nginx.ingress.kubernetes.io/rewrite-target", "");
            for (HTTPIngressPath p : ingress.getSpec().getRules().getFirst().getHttp().getPaths()) {
                String service = p.getBackend().getService().getName().replace("lto-lto-", "");
                rows.add(new Row(p.getPath(), p.getPathType().toLowerCase(), service, rewrite));
            }
        });

        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected());
    }

    @Test
    void docsApiListsTheTable() {
        String section = section(Repository.read("docs/api.md"), "## One base URL");
        List<Row> rows = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| (exact|prefix) \\| (\\w+) \\| `?([^|`]*?)`? \\|").matcher(section);
        while (row.find()) {
            rows.add(new Row(row.group(1), row.group(2), row.group(3), row.group(4).startsWith("—") ? "" : row.group(4).strip()));
        }

        assertThat(rows).containsExactlyInAnyOrderElementsOf(expected());
    }

    /** Every endpoint docs/api.md lists with its owning service reaches that service through the table. */
    @Test
    void everyDocumentedEndpointIsRoutedToTheServiceThatServesIt() {
        Matcher endpoint = Pattern.compile("(?m)^\\| `(?:GET|POST|PUT|DELETE|PATCH|WS)?\\s*(/[^`\\s\\[?]*)[^|]*\\| (ingestion|intelligence|action)\\b")
                .matcher(Repository.read("docs/api.md"));
        int checked = 0;
        while (endpoint.find()) {
            String path = endpoint.group(1).replaceAll("\\{[^}]+}", "x");
            assertThat(TABLE.serviceFor(path)).as("route for %s", endpoint.group(1)).contains(endpoint.group(2));
            checked++;
        }
        assertThat(checked).as("endpoints found in docs/api.md").isGreaterThan(10);
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf(heading);
        assertThat(start).as("docs/api.md has a section '%s'", heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + heading.length());
        return end < 0 ? markdown.substring(start) : markdown.substring(start, end);
    }
}
