package dev.lto.intelligence.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The adapters' own self-tests reach health: statuses as reported, failures and hangs as DOWN. */
class SimulatorHealthTest {

    @Test
    void eachAdaptersSelfTestIsReportedAndTheWorstDecides() {
        StubAdapter up = new StubAdapter("alpha", HealthStatus.UP, "cpu");
        StubAdapter degraded = new StubAdapter("beta", HealthStatus.DEGRADED, "cpu");
        SimulatorHealth health = new SimulatorHealth(new SimulatorAdapters(List.of(up, degraded)), Duration.ofSeconds(5), Duration.ZERO);
        SimulatorsHealthIndicator indicator = new SimulatorsHealthIndicator(health);

        List<AdapterHealth> checked = health.current();
        assertThat(checked).extracting(AdapterHealth::adapterType, AdapterHealth::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", HealthStatus.UP),
                        org.assertj.core.groups.Tuple.tuple("beta", HealthStatus.DEGRADED));
        assertThat(SimulatorHealth.worst(checked)).isEqualTo(HealthStatus.DEGRADED);
        assertThat(indicator.health().getStatus()).as("DEGRADED has no actuator status: UP with details").isEqualTo(Status.UP);
        assertThat(indicator.health().getDetails()).containsKeys("alpha", "beta");

        degraded.answer(HealthStatus.DOWN, null);
        assertThat(SimulatorHealth.worst(health.current())).isEqualTo(HealthStatus.DOWN);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

        degraded.answer(() -> {
            throw new IllegalStateException("no native library");
        });
        AdapterHealth failed = health.current().get(1);
        assertThat(failed.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(failed.detail()).isEqualTo("the self-test failed: java.lang.IllegalStateException: no native library");
    }

    @Test
    void aSelfTestThatDoesNotFinishIsDown() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        StubAdapter stuck = new StubAdapter("stuck", HealthStatus.UP, "gpu(0)");
        stuck.answer(() -> {
            try {
                never.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        SimulatorHealth health = new SimulatorHealth(new SimulatorAdapters(List.of(stuck)), Duration.ofMillis(200), Duration.ZERO);
        AdapterHealth h = health.current().getFirst();
        assertThat(h.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(h.detail()).isEqualTo("the self-test did not finish within PT0.2S");
    }

    @Test
    void selfTestsAreCachedForTheirTtlOnly() {
        StubAdapter a = new StubAdapter("alpha", HealthStatus.UP, "cpu");
        SimulatorHealth cached = new SimulatorHealth(new SimulatorAdapters(List.of(a)), Duration.ofSeconds(5), Duration.ofHours(1));
        cached.current();
        cached.current();
        assertThat(a.checks.get()).isEqualTo(1);

        StubAdapter b = new StubAdapter("beta", HealthStatus.UP, "cpu");
        SimulatorHealth uncached = new SimulatorHealth(new SimulatorAdapters(List.of(b)), Duration.ofSeconds(5), Duration.ZERO);
        uncached.current();
        uncached.current();
        assertThat(b.checks.get()).isEqualTo(2);
    }

    @Test
    void noAdapterIsDown() {
        SimulatorHealth health = new SimulatorHealth(new SimulatorAdapters(List.of()), Duration.ofSeconds(5), Duration.ZERO);
        assertThat(SimulatorHealth.worst(health.current())).isEqualTo(HealthStatus.DOWN);
        assertThat(new SimulatorsHealthIndicator(health).health().getStatus()).isEqualTo(Status.DOWN);
    }
}
