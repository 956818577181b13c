package dev.lto.simulator.physics;

import dev.lto.simulator.spi.BossungCurve;
import dev.lto.simulator.spi.ImageArray;
import dev.lto.simulator.spi.SimulationArtifacts;
import java.util.List;

/** Artifacts of one job; PNGs are rendered on first request (jobs stay fast when nobody looks). */
final class PhysicsArtifacts implements SimulationArtifacts {

    private final String jobId;
    private final ImageArray aerial;
    private final ImageArray resist;
    private final double level;
    private final double targetCd;
    private final double tolerance;
    private final List<BossungCurve> bossung;
    private final Caption caption;
    private byte[] aerialPng;
    private byte[] resistPng;
    private byte[] bossungPng;

    /**
     * What the pictures say about the run beside the images: the simulator's own mask pixel and grid
     * (as in ComputeStats), the job's focus and dose, imaging path and depth of focus.
     */
    record Caption(double simulatorPixelNm, int simulatorGridPx, double defocusNm, double doseMjCm2, String path,
                   double dofNm) {
    }

    PhysicsArtifacts(String jobId, ImageArray aerial, ImageArray resist, double level, double targetCd,
                     double tolerance, List<BossungCurve> bossung, Caption caption) {
        this.jobId = jobId;
        this.aerial = aerial;
        this.resist = resist;
        this.level = level;
        this.targetCd = targetCd;
        this.tolerance = tolerance;
        this.bossung = List.copyOf(bossung);
        this.caption = caption;
    }

    @Override
    public String jobId() {
        return jobId;
    }

    @Override
    public ImageArray aerialImage() {
        return aerial;
    }

    @Override
    public ImageArray resistImage() {
        return resist;
    }

    @Override
    public double printThreshold() {
        return level;
    }

    @Override
    public double targetCdNm() {
        return targetCd;
    }

    @Override
    public List<BossungCurve> bossung() {
        return bossung;
    }

    @Override
    public synchronized byte[] aerialPng() {
        if (aerialPng == null) {
            aerialPng = Renderer.aerialPng(aerial, resist, level, caption);
        }
        return aerialPng.clone();
    }

    @Override
    public synchronized byte[] resistPng() {
        if (resistPng == null) {
            resistPng = Renderer.resistPng(resist, level, caption);
        }
        return resistPng.clone();
    }

    @Override
    public synchronized byte[] bossungPng() {
        if (bossungPng == null) {
            bossungPng = Renderer.bossungPng(bossung, targetCd, tolerance, caption);
        }
        return bossungPng.clone();
    }

    long bytes() {
        return 4L * (aerial.values().length + resist.values().length) + 4096;
    }
}
