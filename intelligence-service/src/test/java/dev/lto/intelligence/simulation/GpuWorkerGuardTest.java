package dev.lto.intelligence.simulation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.contracts.HealthStatus;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's rule on its own: every adapter must report a GPU device. */
class GpuWorkerGuardTest {

    @Test
    void adaptersOnAGpuPass() {
        assertThatCode(() -> new GpuWorkerGuard(new SimulatorAdapters(List.of(new StubAdapter("alpha", HealthStatus.UP, "gpu(0)")))))
                .doesNotThrowAnyException();
    }

    @Test
    void anAdapterOnTheCpuOrWithoutADeviceRefuses() {
        var adapters = new SimulatorAdapters(List.of(new StubAdapter("alpha", HealthStatus.UP, "gpu(0)"),
                new StubAdapter("beta", HealthStatus.UP, "cpu"), new StubAdapter("gamma", HealthStatus.DOWN, null)));
        assertThatThrownBy(() -> new GpuWorkerGuard(adapters))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("lto.worker.gpu-enabled=true, but simulator adapter 'beta' computes on cpu (self-test UP: stub UP); "
                        + "simulator adapter 'gamma' computes on no known device (self-test DOWN: stub DOWN).")
                .message().doesNotContain("'alpha'");
    }
}
