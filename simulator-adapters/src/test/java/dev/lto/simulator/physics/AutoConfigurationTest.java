package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PhysicsSimulatorAutoConfiguration.class));

    @Test
    void registersTheSyntheticAdapterAndBindsProperties() {
        runner.withPropertyValues("lto.simulator.physics.socs.max-kernels=20",
                        "lto.simulator.physics.fem.focus-points=9", "lto.simulator.physics.source.step-sigma=0.07")
                .run(ctx -> {
                    SimulatorAdapters adapters = ctx.getBean(SimulatorAdapters.class);
                    assertThat(adapters.names()).containsExactly("synthetic");
                    assertThat(adapters.get("synthetic")).isSameAs(ctx.getBean("syntheticSimulator"));
                    PhysicsSimulatorProperties p = ctx.getBean(PhysicsSimulatorProperties.class);
                    assertThat(p.socs().maxKernels()).isEqualTo(20);
                    assertThat(p.socs().oversample()).isEqualTo(16);
                    assertThat(p.fem().focusPoints()).isEqualTo(9);
                    assertThat(p.fem().dosePoints()).isEqualTo(7);
                    assertThat(p.source().stepSigma()).isEqualTo(0.07);
                    assertThat(p.grid().maxMaskPx()).isEqualTo(2048);
                    assertThat(p.cache().kernelBytes()).isEqualTo(256L << 20);
                    assertThat(p.resist().threshold()).isEqualTo(0.225);
                });
    }

    @Test
    void defaultsMatchTheAnnotations() {
        runner.run(ctx -> assertThat(ctx.getBean(PhysicsSimulatorProperties.class))
                .isEqualTo(PhysicsSimulatorProperties.defaults()));
    }

    @Test
    void canBeDisabled() {
        runner.withPropertyValues("lto.simulator.physics.enabled=false")
                .run(ctx -> {
                    assertThat(ctx).doesNotHaveBean(SimulatorInterface.class);
                    assertThat(ctx.getBean(SimulatorAdapters.class).names()).isEmpty();
                });
    }
}
