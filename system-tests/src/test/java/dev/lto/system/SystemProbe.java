package dev.lto.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.testsupport.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the system tests ask of the running system: HTTP, the stored DuckDB file, the events on Redis. */
final class SystemProbe {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SystemProbe() {
    }

    static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET, any status: the body (a health endpoint answers 503 when DOWN). */
    static String getRaw(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** GET that must answer 200 with JSON. */
    static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " → " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** A job's state, or null while the service does not know it (or does not answer). */
    static String stateOf(ServiceProcess intelligence, String jobId) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(intelligence.baseUrl() + "/api/v1/jobs/" + jobId))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("state").asString() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The intelligence store, read-only: only once its one writer has stopped (DuckDB locks the file). */
    static Connection readOnlyStore(Path dataDir) throws Exception {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        return DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("lto.duckdb"), readOnly);
    }

    static long single(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Distinct ids of job state events on lto.events (monitoring snapshots and progress share the stream). */
    static long distinctStateEvents(TestRedis redis) {
        return ((List<?>) redis.command("XRANGE", "lto.events", "-", "+")).stream()
                .map(Object::toString)
                .filter(e -> e.contains("job.state_changed"))
                .map(e -> e.replaceAll(".*\"event_id\":\"([^\"]+)\".*", "$1"))
                .distinct().count();
    }

    static List<String> concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
