package dev.lto.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml validates (Debian docker-compose) and keeps the single-writer rule. */
class ComposeFileTest {

    @Test
    void dockerComposeAcceptsTheFileWithTheDocumentedSettings() {
        Processes result = Processes.run(Repository.ROOT, List.of("docker-compose", "--env-file", ".env.example",
                "-f", "docker-compose.yml", "config", "-q"));

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void envExampleDocumentsEverySettingTheComposeFileReads() {
        Set<String> used = variables(Repository.read("docker-compose.yml"), Pattern.compile("\\$\\{(\\w+)"));
        Set<String> documented = variables(Repository.read(".env.example"), Pattern.compile("(?m)^(\\w+)="));

        assertThat(documented).isEqualTo(used);
    }

    @Test
    void intelligenceIsTheOnlyWriterOfItsVolumeAndWorkersScaleSeparately() throws IOException {
        JsonNode services = new YAMLMapper().readTree(Repository.path("docker-compose.yml").toFile()).path("services");

        JsonNode intelligence = services.path("intelligence-service");
        assertThat(intelligence.path("container_name").asText()).as("a fixed name: cannot be scaled to two writers").isNotEmpty();
        assertThat(intelligence.path("volumes").toString()).contains("intelligence-data:/data");
        JsonNode worker = services.path("sim-worker");
        assertThat(worker.has("container_name")).as("sim-worker scales").isFalse();
        assertThat(worker.has("volumes")).as("sim-worker is stateless").isFalse();
        assertThat(worker.path("command").toString()).contains("--lto.pipeline.functions=cpuSimulations", "--lto.pipeline.orchestrator=false",
                "--lto.data-dir=/tmp/worker");
        assertThat(services.path("redis").path("command").toString()).contains("--appendonly", "yes");
        for (String name : List.of("redis", "ingestion-service", "intelligence-service", "sim-worker", "action-service", "edge",
                "prometheus", "alertmanager", "grafana")) {
            assertThat(services.path(name).has("healthcheck")).as("%s has a health check", name).isTrue();
        }
        assertThat(services.path("grafana").path("volumes").toString()).contains("./grafana/provisioning:", "./grafana/dashboards:");
        assertThat(services.path("prometheus").path("volumes").toString()).contains("./prometheus/prometheus.yml:", "./prometheus/rules:");
        assertThat(services.path("alertmanager").path("volumes").toString()).contains("./alertmanager/alertmanager.yml:");
    }

    /** With the agent line .env.example documents, every LTO container runs the agent from the image under its own name. */
    @Test
    void tracingAttachesTheAgentInTheImageToEveryLtoContainer() throws IOException {
        Matcher documented = Pattern.compile("(?m)^#\\s*LTO_JAVA_TOOL_OPTIONS=(.+)$").matcher(Repository.read(".env.example"));
        assertThat(documented.find()).as(".env.example shows how to attach the agent").isTrue();
        String agentOptions = documented.group(1).strip();
        assertThat(agentOptions).isEqualTo("-javaagent:/opt/lto/otel/opentelemetry-javaagent.jar");

        Processes rendered = Processes.run(Repository.ROOT, List.of("env", "LTO_JAVA_TOOL_OPTIONS=" + agentOptions,
                "docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"));
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        JsonNode services = new YAMLMapper().readTree(rendered.output().substring(rendered.output().indexOf("services:")))
                .path("services");
        for (String name : List.of("ingestion-service", "intelligence-service", "sim-worker", "action-service")) {
            JsonNode env = services.path(name).path("environment");
            assertThat(env.path("JAVA_TOOL_OPTIONS").asText()).as(name).isEqualTo(agentOptions);
            assertThat(env.path("OTEL_JAVAAGENT_CONFIGURATION_FILE").asText()).as(name).isEqualTo("/opt/lto/otel/agent.properties");
            assertThat(env.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).as(name).startsWith("http");
            assertThat(env.path("OTEL_SERVICE_NAME").asText()).as("%s's spans carry its service", name)
                    .isEqualTo(name.equals("sim-worker") ? "intelligence-service" : name);
        }
    }

    private static Set<String> variables(String text, Pattern pattern) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
