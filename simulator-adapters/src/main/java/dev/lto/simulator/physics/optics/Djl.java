package dev.lto.simulator.physics.optics;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The DJL PyTorch engine, started offline. {@code ai.djl.offline=true} is set before the engine
 * loads so that DJL never tries to download a libtorch: the CPU build comes from the
 * pytorch-native-cpu jar; a CUDA build, when one is on the class path and a GPU is visible, is used
 * the same way. Without a visible CUDA device everything runs on the CPU; the engine says which
 * when it loads (a GPU worker refuses to start in that case: docs/pipeline.md, "GPU workers").
 */
public final class Djl {

    private static final Log log = LogFactory.getLog(Djl.class);

    private static volatile Engine engine;

    private Djl() {
    }

    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (Djl.class) {
                if (engine == null) {
                    if (System.getProperty("ai.djl.offline") == null) {
                        System.setProperty("ai.djl.offline", "true");
                    }
                    Engine loaded = Engine.getEngine("PyTorch");
                    int gpus = loaded.getGpuCount();
                    log.info("DJL " + loaded.getEngineName() + " " + loaded.getVersion() + " loaded; computing on "
                            + (gpus > 0 ? "gpu(0) (" + gpus + " CUDA device(s) visible)"
                                    : "the CPU (no CUDA device visible to this libtorch)"));
                    engine = loaded;
                }
                e = engine;
            }
        }
        return e;
    }

    /** CUDA device 0 when the engine sees a GPU, else the CPU. */
    public static Device device() {
        return engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** e.g. {@code cpu} or {@code gpu(0)}, as reported in ComputeStats. */
    public static String deviceName() {
        Device d = device();
        return d.isGpu() ? "gpu(" + d.getDeviceId() + ")" : "cpu";
    }

    public static String engineVersion() {
        return engine().getEngineName() + " " + engine().getVersion();
    }

    public static NDManager newManager() {
        return NDManager.newBaseManager(device(), "PyTorch");
    }
}
