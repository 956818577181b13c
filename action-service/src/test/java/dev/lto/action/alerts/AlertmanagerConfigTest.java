package dev.lto.action.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code alertmanager/alertmanager.yml}: {@code amtool check-config} accepts it, and
 * {@code amtool config routes test} sends each kind of alert where docs/alerts.md says.
 */
class AlertmanagerConfigTest {

    @Test
    void amtoolAcceptsTheShippedConfig() throws Exception {
        String out = amtool("check-config", AlertmanagerProcess.shippedConfig().toString());
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void routesPageOnCriticalDigestWarningsAndImportOnlyForeignAlerts() throws Exception {
        assertThat(route("severity=EMERGENCY", "origin=lto", "job_id=job_1")).isEqualTo("paging");
        assertThat(route("severity=CRITICAL", "origin=lto", "job_id=job_1")).isEqualTo("paging");
        assertThat(route("severity=WARN", "origin=lto")).isEqualTo("digest");
        assertThat(route("severity=INFO", "origin=lto")).isEqualTo("digest");
        // A Prometheus rule's alert goes to LTO's webhook as well as paging/digest.
        assertThat(route("alertname=QueueDepthHigh", "severity=critical")).isEqualTo("lto,paging");
        assertThat(route("alertname=ModelDrift", "severity=warning")).isEqualTo("lto,digest");
    }

    private static String route(String... labels) throws Exception {
        List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + AlertmanagerProcess.shippedConfig()));
        args.addAll(List.of(labels));
        String out = amtool(args.toArray(String[]::new));
        return out.lines().filter(l -> !l.startsWith("Warning")).reduce((a, b) -> b).orElse("").trim();
    }

    private static String amtool(String... args) throws Exception {
        Path amtool = AlertmanagerProcess.amtool().orElse(null);
        assumeTrue(amtool != null, "amtool not installed (Debian package prometheus-alertmanager; .ci/run installs it)");
        List<String> command = new ArrayList<>(List.of(amtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
