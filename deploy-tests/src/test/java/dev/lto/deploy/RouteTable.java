package dev.lto.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** deploy/routes.yaml: the one route table of the base URL. */
record RouteTable(List<Route> routes) {

    record Route(String path, String match, String service, boolean websocket, String rewrite) {
        boolean exact() {
            return "exact".equals(match);
        }

        /** Whether a request path falls under this route (a prefix route matches whole path segments). */
        boolean matches(String requestPath) {
            if (exact()) {
                return requestPath.equals(path);
            }
            return path.equals("/") || requestPath.equals(path) || requestPath.startsWith(path + "/");
        }
    }

    static RouteTable load() {
        try {
            return YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(Repository.path("deploy/routes.yaml").toFile(), RouteTable.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("deploy/routes.yaml does not parse", e);
        }
    }

    /** The service that answers a request path: an exact route first, else the longest matching prefix. */
    Optional<String> serviceFor(String requestPath) {
        return routes.stream().filter(r -> r.exact() && r.matches(requestPath)).findFirst()
                .or(() -> routes.stream().filter(r -> !r.exact() && r.matches(requestPath))
                        .max(Comparator.comparingInt(r -> r.path().length())))
                .map(Route::service);
    }

}
