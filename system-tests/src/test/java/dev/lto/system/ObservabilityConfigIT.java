package dev.lto.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shipped Prometheus configuration, rules and rule unit tests through {@code promtool} (Debian
 * package {@code prometheus}; .ci/run installs it), and the Grafana dashboards' structure. No
 * service needed; {@link ObservabilitySystemIT} proves the queries against the running system.
 */
class ObservabilityConfigIT {

    @Test
    void prometheusConfigIsValid() throws Exception {
        promtool("check", "config", "prometheus.yml");
    }

    @Test
    void rulesAreValid() throws Exception {
        promtool("check", "rules", "rules/lto-recording.yml", "rules/lto-alerts.yml");
    }

    /** Every alert rule fires in one case and stays quiet in another (prometheus/tests). */
    @Test
    void ruleUnitTestsPass() throws Exception {
        String out = promtool("test", "rules", "tests/lto-rules-test.yml");
        assertThat(out).contains("SUCCESS");
    }

    /** Each alert rule of the rules file appears in the unit tests, and carries a severity of LTO's and a runbook. */
    @Test
    void everyAlertRuleIsTestedAndHasASeverityAndARunbook() throws Exception {
        Object yaml = new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(
                PrometheusServer.CONFIG_DIR.resolve("rules/lto-alerts.yml")));
        JsonNode rules = SystemProbe.JSON.valueToTree(yaml);
        String tests = java.nio.file.Files.readString(PrometheusServer.CONFIG_DIR.resolve("tests/lto-rules-test.yml"));
        String operations = java.nio.file.Files.readString(PrometheusServer.REPO.resolve("docs/operations.md"));
        List<String> alerts = new ArrayList<>();
        SoftAssertions soft = new SoftAssertions();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asString();
                alerts.add(name);
                soft.assertThat(tests).as(name + " tested firing").contains("alertname: " + name + "\n        exp_alerts:\n          - ");
                soft.assertThat(tests).as(name + " tested quiet").contains("alertname: " + name + "\n        exp_alerts: []");
                soft.assertThat(rule.path("labels").path("severity").asString()).as(name + " severity")
                        .isIn("INFO", "WARN", "CRITICAL", "EMERGENCY");
                String runbook = rule.path("annotations").path("runbook_url").asString();
                soft.assertThat(runbook).as(name + " runbook").startsWith("docs/operations.md#");
                String anchor = runbook.substring(runbook.indexOf('#') + 1);
                soft.assertThat(operations).as(name + " runbook section " + anchor).contains("<a id=\"" + anchor + "\"></a>");
            }
        }
        soft.assertAll();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(7);
    }

    @Test
    void dashboardsAreWellFormed() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (String file : Dashboards.FILES) {
            JsonNode d = Dashboards.read(file);
            soft.assertThat(d.path("uid").asString()).as(file + " uid").isNotBlank();
            Set<Integer> ids = new HashSet<>();
            int panels = 0;
            for (JsonNode p : Dashboards.panels(d)) {
                String title = file + " panel " + p.path("id") + " '" + p.path("title").asString() + "'";
                soft.assertThat(ids.add(p.path("id").asInt())).as(title + " has a unique id").isTrue();
                soft.assertThat(p.path("gridPos").isObject()).as(title + " gridPos").isTrue();
                if ("row".equals(p.path("type").asString())) {
                    continue;
                }
                panels++;
                soft.assertThat(p.path("datasource").path("uid").asString()).as(title + " datasource").isEqualTo(Dashboards.DATASOURCE_UID);
                soft.assertThat(p.path("targets").size()).as(title + " targets").isPositive();
                Set<String> refIds = new HashSet<>();
                for (JsonNode t : p.path("targets")) {
                    soft.assertThat(t.path("expr").asString()).as(title + " expr").isNotBlank();
                    soft.assertThat(t.path("datasource").path("uid").asString()).as(title + " target datasource")
                            .isEqualTo(Dashboards.DATASOURCE_UID);
                    soft.assertThat(refIds.add(t.path("refId").asString())).as(title + " unique refId").isTrue();
                }
            }
            soft.assertThat(panels).as(file + " panels").isGreaterThanOrEqualTo(8);
            for (JsonNode v : d.path("templating").path("list")) {
                soft.assertThat(v.path("datasource").path("uid").asString()).as(file + " variable " + v.path("name"))
                        .isEqualTo(Dashboards.DATASOURCE_UID);
            }
        }
        JsonNode engineers = Dashboards.read("engineers.json");
        List<String> variables = new ArrayList<>();
        engineers.path("templating").path("list").forEach(v -> variables.add(v.path("name").asString()));
        soft.assertThat(variables).as("engineers' template variables").contains("service", "instance");
        String datasource = java.nio.file.Files.readString(PrometheusServer.REPO.resolve("grafana/provisioning/datasources/prometheus.yml"));
        soft.assertThat(datasource).contains("uid: " + Dashboards.DATASOURCE_UID);
        soft.assertAll();
    }

    /** Runs promtool in prometheus/; fails with its output unless it exits 0. */
    /** {@code promtool check metrics} on a scrape: its complaints (it exits 3 when it has some), one per line. */
    static String lint(byte[] scrape) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(scrape);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics:\n" + out).isIn(0, 3);
        return out;
    }

    static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(PrometheusServer.CONFIG_DIR.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + out).isZero();
        return out;
    }
}
