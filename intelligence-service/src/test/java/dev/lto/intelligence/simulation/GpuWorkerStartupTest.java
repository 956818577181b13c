package dev.lto.intelligence.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lto.intelligence.IntelligenceApplication;
import dev.lto.testsupport.TestRedis;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The GPU worker of docs/pipeline.md, started on a machine whose libtorch is the shipped CPU build
 * (this one): it must refuse to start, saying why, rather than take GPU-labelled jobs and run them
 * on the CPU. The real physics adapter answers the self-test.
 */
class GpuWorkerStartupTest {

    @Test
    void aGpuWorkerWithoutACudaDeviceRefusesToStartAndSaysWhy() throws Exception {
        // Only where no CUDA libtorch is configured: on a GPU node the same command must start.
        assumeTrue(System.getenv("PYTORCH_LIBRARY_PATH") == null && System.getProperty("PYTORCH_LIBRARY_PATH") == null,
                "a CUDA libtorch is configured here");
        List<String> args = new ArrayList<>();
        for (String p : TestRedis.shared().springProperties()) {
            args.add("--" + p);
        }
        // The GPU worker command of docs/pipeline.md, on a scratch data dir and a free port.
        args.addAll(List.of("--lto.pipeline.functions=gpuSimulations", "--lto.worker.gpu-enabled=true", "--lto.worker.gpu-slots=4",
                "--lto.pipeline.orchestrator=false", "--lto.models.bootstrap.enabled=false",
                "--lto.data-dir=" + Files.createTempDirectory("lto-gpu-worker"), "--server.port=0"));

        ConfigurableApplicationContext[] started = new ConfigurableApplicationContext[1];
        try {
            assertThatThrownBy(() -> started[0] = new SpringApplicationBuilder(IntelligenceApplication.class).run(args.toArray(String[]::new)))
                    .rootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("lto.worker.gpu-enabled=true, but simulator adapter 'synthetic' computes on cpu (self-test UP: PyTorch")
                    .hasMessageContaining("this worker refuses to start")
                    .hasMessageContaining("PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, -Dai.djl.offline=true");
        } finally {
            if (started[0] != null) {
                started[0].close();
            }
        }
        assertThat(started[0]).isNull();
    }
}
