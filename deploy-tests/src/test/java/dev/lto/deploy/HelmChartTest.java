package dev.lto.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** helm lint and helm template for every values file, every manifest parsed strictly, the chart's invariants. */
class HelmChartTest {

    static final List<String> VALUES_FILES = Chart.VALUES_FILES;

    @TempDir
    Path scratch;

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void lintsStrictlyClean(String valuesFile) {
        LintResult result = Chart.lint(valuesFile, scratch);

        assertThat(result.isFailed()).as("helm lint --strict with %s: %s", valuesFile, result.getMessages()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void everyContainerHasProbesResourcesAndARestrictedSecurityContext(String valuesFile) {
        for (Deployment deployment : deployments(Chart.render(valuesFile))) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            String name = deployment.getMetadata().getName();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s runs as non-root", name).isTrue();
            assertThat(pod.getContainers()).as(name).isNotEmpty();
            for (Container c : pod.getContainers()) {
                String where = valuesFile + " " + name + "/" + c.getName();
                assertThat(c.getLivenessProbe()).as("%s liveness probe", where).isNotNull();
                assertThat(c.getReadinessProbe()).as("%s readiness probe", where).isNotNull();
                assertThat(c.getStartupProbe()).as("%s startup probe", where).isNotNull();
                assertThat(c.getResources().getRequests()).as("%s requests", where).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as("%s limits", where).containsKeys("cpu", "memory");
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as("%s read-only root", where).isTrue();
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(where).isFalse();
            }
        }
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void duckDbOwnersRunOneReplicaWithRecreateOnTheirOwnVolume(String valuesFile) {
        List<Deployment> owners = deployments(Chart.render(valuesFile)).stream()
                .filter(d -> "true".equals(annotation(d, "lto.dev/duckdb-owner"))).toList();

        assertThat(owners).extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrder("lto-lto-intelligence", "lto-lto-action");
        for (Deployment owner : owners) {
            String name = valuesFile + " " + owner.getMetadata().getName();
            assertThat(owner.getSpec().getReplicas()).as("%s replicas", name).isEqualTo(1);
            assertThat(owner.getSpec().getStrategy().getType()).as("%s strategy", name).isEqualTo("Recreate");
            PodSpec pod = owner.getSpec().getTemplate().getSpec();
            Volume data = pod.getVolumes().stream().filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
            assertThat(data.getPersistentVolumeClaim()).as("%s data on a PVC", name).isNotNull();
            assertThat(pod.getContainers().getFirst().getVolumeMounts())
                    .anySatisfy(m -> assertThat(m.getName() + ":" + m.getMountPath()).isEqualTo("data:/data"));
        }
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void simulationWorkersAreStatelessAndTheOrchestratorDispatchesToEverySlot(String valuesFile) {
        List<HasMetadata> manifests = Chart.render(valuesFile);
        List<Deployment> workers = deployments(manifests).stream()
                .filter(d -> args(d).contains("--lto.pipeline.orchestrator=false")).toList();
        assertThat(workers).as(valuesFile).isNotEmpty();
        for (Deployment worker : workers) {
            assertThat(worker.getSpec().getTemplate().getSpec().getVolumes())
                    .as("%s mounts no persistent volume", worker.getMetadata().getName())
                    .allSatisfy(v -> assertThat(v.getPersistentVolumeClaim()).isNull());
            assertThat(args(worker)).contains("--lto.data-dir=/tmp/worker", "--lto.models.bootstrap.enabled=false");
        }
        Deployment orchestrator = deployment(manifests, "lto-lto-intelligence");
        Deployment cpuWorkers = deployment(manifests, "lto-lto-sim-worker");
        int slots = intArg(cpuWorkers, "--lto.worker.cpu-slots=");
        Optional<HasMetadata> keda = manifests.stream().filter(m -> m.getKind().equals("ScaledObject")).findFirst();
        int maxWorkers = keda.map(k -> ((Number) ((Map<?, ?>) ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) k)
                .getAdditionalProperties().get("spec")).get("maxReplicaCount")).intValue())
                .orElseGet(() -> cpuWorkers.getSpec().getReplicas());
        assertThat(intArg(orchestrator, "--lto.pipeline.cpu-slots=")).as(valuesFile).isEqualTo(maxWorkers * slots);
    }

    @ParameterizedTest
    @FieldSource("VALUES_FILES")
    void gpuWorkersAskForGpusOnGpuNodesWithFourSlotsEach(String valuesFile) {
        List<HasMetadata> manifests = Chart.render(valuesFile);
        int gpuSlotsInCluster = 0;
        for (Deployment gpu : deployments(manifests).stream().filter(d -> args(d).contains("--lto.worker.gpu-enabled=true")).toList()) {
            Container c = gpu.getSpec().getTemplate().getSpec().getContainers().getFirst();
            Quantity limit = c.getResources().getLimits().get("nvidia.com/gpu");
            assertThat(limit).as("%s nvidia.com/gpu limit", gpu.getMetadata().getName()).isNotNull();
            int gpus = Integer.parseInt(limit.getAmount());
            assertThat(gpus).isPositive();
            assertThat(c.getResources().getRequests().get("nvidia.com/gpu")).isEqualTo(limit);
            assertThat(gpu.getSpec().getTemplate().getSpec().getNodeSelector()).as("GPU node selector").isNotEmpty();
            assertThat(intArg(gpu, "--lto.worker.gpu-slots=")).as("4 slots per GPU").isEqualTo(4 * gpus);
            assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("PYTORCH_LIBRARY_PATH"));
            gpuSlotsInCluster += 4 * gpus * gpu.getSpec().getReplicas();
        }
        assertThat(intArg(deployment(manifests, "lto-lto-intelligence"), "--lto.pipeline.gpu-slots="))
                .as("%s orchestrator gpu-slots", valuesFile).isEqualTo(gpuSlotsInCluster);
        if (valuesFile.equals("values-prod.yaml")) {
            assertThat(gpuSlotsInCluster).as("prod runs GPU workers").isPositive();
        }
    }

    @Test
    void ingestionScalesOutFromThreeReplicasWithADisruptionBudget() {
        List<HasMetadata> manifests = Chart.render("values.yaml");

        HorizontalPodAutoscaler hpa = manifests.stream().filter(HorizontalPodAutoscaler.class::isInstance)
                .map(HorizontalPodAutoscaler.class::cast).findFirst().orElseThrow();
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("lto-lto-ingestion");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(manifests).filteredOn(PodDisruptionBudget.class::isInstance).extracting(m -> m.getMetadata().getName())
                .contains("lto-lto-ingestion", "lto-lto-sim-worker");
    }

    @Test
    void monitoringConfigMapsCarryTheRepositorysOwnRuleAndDashboardFiles() throws IOException {
        List<HasMetadata> manifests = Chart.render("values.yaml");

        assertThat(configMap(manifests, "lto-lto-prometheus-rules").getData())
                .isEqualTo(filesIn(Repository.path("prometheus/rules"), ".yml", ".yaml"));
        assertThat(configMap(manifests, "lto-lto-grafana-dashboards").getData())
                .isEqualTo(filesIn(Repository.path("grafana/dashboards"), ".json"));
    }

    @Test
    void tracingAttachesTheAgentInTheImageToEveryLtoContainerUnderItsServiceName() {
        List<HasMetadata> traced = StrictManifests.parse(Chart.template(Chart.valuesFile(scratch,
                "otel:\n  enabled: true\n  endpoint: http://tempo.observability:4318\njavaToolOptions: -Xmx2g\n")));
        List<Deployment> lto = deployments(traced).stream()
                .filter(d -> !d.getMetadata().getName().endsWith("-redis")).toList();
        assertThat(lto).hasSizeGreaterThanOrEqualTo(4);
        for (Deployment deployment : lto) {
            String name = deployment.getMetadata().getName();
            for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                Map<String, String> env = c.getEnv().stream()
                        .collect(Collectors.toMap(e -> e.getName(), e -> String.valueOf(e.getValue())));
                assertThat(env.get("JAVA_TOOL_OPTIONS")).as(name)
                        .isEqualTo("-javaagent:/opt/lto/otel/opentelemetry-javaagent.jar -Xmx2g");
                assertThat(env.get("OTEL_JAVAAGENT_CONFIGURATION_FILE")).as(name).isEqualTo("/opt/lto/otel/agent.properties");
                assertThat(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")).as(name).isEqualTo("http://tempo.observability:4318");
                assertThat(env.get("OTEL_SERVICE_NAME")).as(name).isIn("ingestion-service", "intelligence-service", "action-service");
            }
        }
        for (Deployment deployment : deployments(Chart.render("values.yaml"))) {
            deployment.getSpec().getTemplate().getSpec().getContainers().forEach(c -> assertThat(c.getEnv())
                    .as("tracing is off by default").noneMatch(e -> e.getName().startsWith("OTEL_")
                            || String.valueOf(e.getValue()).contains("-javaagent")));
        }
    }

    @Test
    void twoReplicasOfADuckDbOwnerFailWithAClearMessage() {
        assertThatThrownBy(() -> Chart.template(Chart.valuesFile(scratch, "intelligence:\n  replicas: 2\n")))
                .hasMessageContaining("intelligence.replicas is 2")
                .hasMessageContaining("only writer of its DuckDB file");
        assertThatThrownBy(() -> Chart.template(Chart.valuesFile(scratch, "action:\n  replicas: 2\n")))
                .hasMessageContaining("action.replicas is 2");
    }

    @Test
    void theSchemaRejectsWrongTypesAndUnknownKeys() {
        assertThatThrownBy(() -> Chart.template(Chart.valuesFile(scratch, "ingestion:\n  replicas: \"3\"\n")))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> Chart.template(Chart.valuesFile(scratch, "simWorkers:\n  gpu:\n    gpusPerWorker: 0.5\n")))
                .hasMessageContaining("gpusPerWorker");
        assertThatThrownBy(() -> Chart.template(Chart.valuesFile(scratch, "redis:\n  enabled: \"yes\"\n")))
                .hasMessageContaining("enabled");
        assertThatThrownBy(() -> Chart.template(Chart.valuesFile(scratch, "intelligense:\n  replicas: 1\n")))
                .hasMessageContaining("intelligense");
    }

    @Test
    void theStrictReaderRejectsUnknownFieldsAndWrongTypes() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: %s
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i%s}]
                """;
        assertThat(StrictManifests.parse(deployment.formatted("1", ""))).hasSize(1);
        assertThatThrownBy(() -> StrictManifests.parse(deployment.formatted("\"1\"", "")))
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> StrictManifests.parse(deployment.formatted("1", ", imagePullPolicyy: Always")))
                .hasMessageContaining("imagePullPolicyy");
    }

    static List<Deployment> deployments(List<HasMetadata> manifests) {
        return manifests.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
    }

    private static Deployment deployment(List<HasMetadata> manifests, String name) {
        return deployments(manifests).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static ConfigMap configMap(List<HasMetadata> manifests, String name) {
        return manifests.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    private static String annotation(HasMetadata resource, String key) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static List<String> args(Deployment deployment) {
        List<String> args = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs();
        return args == null ? List.of() : args;
    }

    private static int intArg(Deployment deployment, String prefix) {
        return args(deployment).stream().filter(a -> a.startsWith(prefix)).map(a -> Integer.parseInt(a.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no " + prefix));
    }

    private static Map<String, String> filesIn(Path dir, String... suffixes) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Map<String, String> contents = new TreeMap<>();
            for (Path f : files.filter(f -> Stream.of(suffixes).anyMatch(s -> f.getFileName().toString().endsWith(s)))
                    .filter(f -> !f.getFileName().toString().contains("test")).collect(Collectors.toList())) {
                contents.put(f.getFileName().toString(), Files.readString(f).stripTrailing());
            }
            return contents;
        }
    }
}
