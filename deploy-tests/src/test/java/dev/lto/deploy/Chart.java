package dev.lto.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The chart helm/lto, driven through helm-java (Helm's Go library in-process; no helm binary). */
final class Chart {

    static final Path DIR = Repository.path("helm/lto");
    static final List<String> VALUES_FILES = List.of("values.yaml", "values-dev.yaml", "values-prod.yaml", "values-airgapped.yaml");

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    /** helm template with one values file over the chart's defaults; throws with Helm's message on a failure. */
    static String template(Path valuesFile) {
        return new Helm(DIR).template().withName("lto").withNamespace("lto").withKubeVersion("v1.31.0").withValuesFile(valuesFile).call();
    }

    static List<HasMetadata> render(String valuesFileName) {
        return StrictManifests.parse(template(DIR.resolve(valuesFileName)));
    }

    /**
     * helm lint --strict with the chart's defaults overlaid by one values file. helm-java's lint takes no
     * values file, so it lints a copy of the chart (links followed, as helm package does) whose values.yaml
     * is the merge.
     */
    static LintResult lint(String valuesFileName, Path scratch) {
        try {
            Path copy = scratch.resolve("lto");
            copyFollowingLinks(DIR, copy);
            ObjectNode merged = (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
            merge(merged, YAML.readTree(DIR.resolve(valuesFileName).toFile()));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a values file for a bad-input case into the scratch directory. */
    static Path valuesFile(Path scratch, String yaml) {
        try {
            Path file = Files.createTempFile(scratch, "values", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(ObjectNode base, JsonNode overlay) {
        overlay.properties().forEach(e -> {
            JsonNode current = base.get(e.getKey());
            if (current instanceof ObjectNode object && e.getValue().isObject()) {
                merge(object, e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        });
    }

    private static void copyFollowingLinks(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
