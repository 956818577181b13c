package dev.lto.intelligence.simulation;

import dev.lto.contracts.AdapterHealth;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * A worker started with {@code lto.worker.gpu-enabled=true} takes requests from
 * {@code lto.sim.requests.gpu}: jobs the orchestrator routed, and labels, as GPU jobs. Before any
 * binding starts, every simulator adapter of this process must say in its self-test that it
 * computes on a GPU ({@code device} {@code gpu(n)}); otherwise the process refuses to start, with
 * the reason, instead of running GPU-labelled jobs on the CPU (DJL falls back to the CPU silently
 * when it sees no CUDA device, e.g. with the shipped {@code pytorch-native-cpu} libtorch).
 */
@Component
@ConditionalOnProperty(name = "lto.worker.gpu-enabled", havingValue = "true")
class GpuWorkerGuard {

    private static final Logger log = LoggerFactory.getLogger(GpuWorkerGuard.class);

    GpuWorkerGuard(SimulatorAdapters adapters) {
        List<String> problems = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (SimulatorInterface adapter : adapters.all()) {
            AdapterHealth h = adapter.healthCheck();
            String device = h == null ? null : h.device();
            if (device != null && device.startsWith("gpu")) {
                ok.add(adapter.adapterType() + " on " + device);
            } else {
                problems.add("simulator adapter '" + adapter.adapterType() + "' computes on "
                        + (device == null ? "no known device" : device)
                        + (h == null ? "" : " (self-test " + h.status() + (h.detail() == null ? "" : ": " + h.detail()) + ")"));
            }
        }
        if (adapters.all().isEmpty()) {
            problems.add("no simulator adapter is registered");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("lto.worker.gpu-enabled=true, but " + String.join("; ", problems)
                    + ". A GPU worker takes the jobs routed to the GPU pool; on the CPU they would run slowly while labelled GPU, "
                    + "so this worker refuses to start. A GPU node needs a visible CUDA device and a CUDA build of libtorch "
                    + "matching DJL's PyTorch (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, -Dai.djl.offline=true; "
                    + "docs/pipeline.md, \"GPU workers\"). To run a CPU worker, leave lto.worker.gpu-enabled unset.");
        }
        log.info("GPU worker: {}", String.join(", ", ok));
    }
}
