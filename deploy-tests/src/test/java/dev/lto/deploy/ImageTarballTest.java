package dev.lto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The image tarballs Jib built (profile "images": ./mvnw -Pimages ... package runs the service modules' buildTar
 * before this module) have the promised configuration: entrypoint with the pinned JVM flags, non-root user,
 * exposed port, labels, and for the intelligence service the CPU libtorch inside the image.
 */
@EnabledIfSystemProperty(named = "lto.images", matches = "true")
class ImageTarballTest {

    private static final JsonMapper JSON = new JsonMapper();

    @ParameterizedTest
    @CsvSource({"ingestion-service,8081,dev.lto.ingestion.IngestionApplication",
            "intelligence-service,8082,dev.lto.intelligence.IntelligenceApplication",
            "action-service,8083,dev.lto.action.ActionApplication"})
    void imageConfigurationIsWhatTheDeploymentsExpect(String service, int port, String mainClass) throws IOException {
        List<String> files = new ArrayList<>();
        Map<String, byte[]> metadata = read(Repository.path(service + "/target/jib-image.tar"), files);
        JsonNode manifest = JSON.readTree(metadata.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(metadata.get(manifest.path("Config").asText())).path("config");

        assertThat(manifest.path("RepoTags").get(0).asText()).startsWith("lto/" + service + ":");
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint).contains("--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-Djna.tmpdir=/tmp/jna");
        assertThat(entrypoint.getLast()).isEqualTo(mainClass);
        assertThat(config.path("User").asText()).isEqualTo("10001:10001");
        assertThat(names(config.path("ExposedPorts"))).containsExactly(port + "/tcp");
        assertThat(config.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo(service);
        assertThat(config.path("Labels").path("dev.lto.port").asText()).isEqualTo(String.valueOf(port));
        assertThat(config.path("Labels").path("dev.lto.health.readiness").asText()).isEqualTo("/actuator/health/readiness");
        assertThat(strings(config.path("Env"))).contains("JAVA_HOME=/opt/java", "LTO_DATA_DIR=/data", "DJL_CACHE_DIR=/tmp/djl",
                "XDG_CACHE_HOME=/tmp/cache");

        assertThat(files).as("the base's Java runtime").contains("opt/java/bin/java");
        assertThat(files).as("the non-root user").contains("etc/passwd");
        assertThat(files).as("the OpenTelemetry agent and its settings, attached by compose/Helm when tracing is on")
                .contains("opt/lto/otel/opentelemetry-javaagent.jar", "opt/lto/otel/agent.properties");
        if (service.equals("intelligence-service")) {
            assertThat(files).as("the CPU libtorch travels in the image").anyMatch(f -> f.matches("app/libs/pytorch-native-cpu-.*-linux-x86_64\\.jar"));
        }
    }

    /** The docker-save tarball's JSON entries; the names of the files in its layers go to layerFiles. */
    private static Map<String, byte[]> read(Path tar, List<String> layerFiles) throws IOException {
        assertThat(tar).as("built by ./mvnw -Pimages package").exists();
        Map<String, byte[]> json = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().endsWith(".json")) {
                    json.put(e.getName(), in.readAllBytes());
                } else if (e.getName().endsWith(".tar.gz")) {
                    TarArchiveInputStream layer = new TarArchiveInputStream(new GZIPInputStream(in));
                    for (TarArchiveEntry f = layer.getNextEntry(); f != null; f = layer.getNextEntry()) {
                        layerFiles.add(f.getName().replaceFirst("^\\./", "").replaceFirst("^/", ""));
                    }
                }
            }
        }
        return json;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
