package dev.lto.simulator.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.physics.mask.MaskLayout;
import dev.lto.simulator.physics.mask.PatternCatalogue;
import dev.lto.simulator.physics.mask.Rasterizer;
import dev.lto.simulator.physics.optics.Djl;
import dev.lto.simulator.physics.optics.IlluminationSpec;
import dev.lto.simulator.physics.optics.Imaging;
import dev.lto.simulator.physics.optics.ImagingGrid;
import dev.lto.simulator.physics.optics.OpticalSetting;
import dev.lto.simulator.physics.optics.SocsBuilder;
import dev.lto.simulator.physics.optics.SocsKernels;
import dev.lto.simulator.physics.optics.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of the physics simulator on this machine (run: see README). Prints a Markdown report
 * and writes it to target/benchmark.md. Times are best of N repetitions (the machine is shared).
 */
public final class PhysicsBenchmark {

    static final StringBuilder OUT = new StringBuilder();
    static final java.util.List<String> NOTES = new java.util.ArrayList<>();

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        PhysicsSimulatorProperties props = PhysicsSimulatorProperties.defaults();
        line("## Physics simulator benchmark");
        line("");
        line("- machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average at start "
                + loadAverage() + ", device " + Djl.deviceName() + ", " + Djl.engineVersion());
        line("- optics: EUV λ = 13.5 nm, NA = 0.33, conventional σ = 0.8, best focus; mask: catalogue class 15 "
                + "(2-D logic, MODERATE) on a tile of N × 1 nm; source pitch " + props.source().stepSigma()
                + " σ; SOCS K = " + props.socs().maxKernels() + "; best of " + reps + " runs");
        line("");
        line("| mask grid | image grid | source points | Abbe (s) | NumPy Abbe, same algorithm (s) | NumPy vs ours RMS | "
                + "SOCS build K≤48, cold (s) | K | SOCS image (s) | SOCS RMSE vs Abbe | Abbe / SOCS | Abbe GFLOP | SOCS GFLOP |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int maskPx : new int[] {512, 1024}) {
            tile(maskPx, props, reps);
        }
        line("");
        NOTES.forEach(PhysicsBenchmark::line);
        line("");
        job(props);
        line("");
        line("- load average at end " + loadAverage());
        Path report = Path.of("target", "benchmark.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, OUT.toString());
    }

    private static void tile(int maskPx, PhysicsSimulatorProperties props, int reps) throws Exception {
        double lambda = 13.5;
        double na = 0.33;
        double tile = maskPx; // 1 nm pixels
        MaskLayout layout = PatternCatalogue.layoutOnTile(15, PatternComplexity.MODERATE, lambda, na, tile);
        IlluminationSpec ill = IlluminationSpec.conventional(0.8);
        Source src = Source.sample(ill, props.source().stepSigma(), props.source().minPoints());
        int n = ImagingGrid.requiredImagePx(tile, na, lambda, src.maxRadius());
        OpticalSetting os = new OpticalSetting(lambda, na, 0, ill, src.stepSigma(), tile, n);
        float[] raster = Rasterizer.rasterize(layout, maskPx);
        double abbe = Double.POSITIVE_INFINITY;
        float[] abbeImg;
        long t0 = System.nanoTime();
        int kBig = Math.max(48, props.socs().maxKernels());
        SocsKernels k = SocsBuilder.build(os, src, kBig, props.socs().oversample(),
                props.socs().powerIterations());
        double build = (System.nanoTime() - t0) / 1e9;
        int[] ks = {props.socs().maxKernels(), kBig};
        double[] socsT = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] rmseK = new double[2];
        try (NDManager m = Djl.newManager()) {
            NDArray win = Imaging.maskWindow(m, raster, maskPx, n);
            NDArray a = null;
            NDArray[] s = new NDArray[2];
            for (int r = 0; r < reps; r++) {
                long t = System.nanoTime();
                a = Imaging.abbe(m, win, os, src, props.source().batch());
                a.toFloatArray(); // forces completion
                abbe = Math.min(abbe, (System.nanoTime() - t) / 1e9);
                for (int i = 0; i < 2; i++) {
                    t = System.nanoTime();
                    s[i] = k.image(m, win, ks[i]);
                    s[i].toFloatArray();
                    socsT[i] = Math.min(socsT[i], (System.nanoTime() - t) / 1e9);
                }
            }
            abbeImg = a.toFloatArray();
            for (int i = 0; i < 2; i++) {
                rmseK[i] = s[i].sub(a).square().mean().sqrt().getFloat();
            }
        }
        String py = python(raster, maskPx, n, tile, lambda, na, src, props.source().batch(), abbeImg, reps);
        double abbeFlops = Imaging.abbeFlops(Imaging.effectiveSourcePoints(src, 0), n);
        for (int i = 0; i < 2; i++) {
            line(String.format(Locale.ROOT, "| %d² | %d² | %d | %.3f | %s | %.3f | %d | %.4f | %.2e | %.0f× | %.2f | %.3f |",
                    maskPx, n, src.size(), abbe, py, build, ks[i], socsT[i], rmseK[i], abbe / socsT[i],
                    abbeFlops / 1e9, Imaging.socsFlops(ks[i], n) / 1e9));
        }
    }

    /** Runs the NumPy reference on the same raster and source; "seconds (rms)" or why it could not. */
    private static String python(float[] raster, int maskPx, int n, double tile, double lambda, double na, Source src,
                                 int batch, float[] javaImage, int reps) {
        try {
            Path dir = Files.createTempDirectory("lto-abbe-ref");
            Files.write(dir.resolve("raster.f32"), floats(raster));
            Files.write(dir.resolve("java_image.f32"), floats(javaImage));
            ByteBuffer b = ByteBuffer.allocate(3 * src.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double[] arr : new double[][] {src.sx(), src.sy(), src.weight()}) {
                for (double v : arr) {
                    b.putDouble(v);
                }
            }
            Files.write(dir.resolve("source.f64"), b.array());
            IlluminationSpec ill = src.spec();
            Files.writeString(dir.resolve("config.json"), String.format(Locale.ROOT,
                    "{\"mask_px\": %d, \"image_px\": %d, \"tile_nm\": %s, \"wavelength_nm\": %s, \"na\": %s,"
                            + " \"defocus_nm\": 0.0, \"batch\": %d, \"step_sigma\": %s, \"illumination\": {\"shape\": \"%s\","
                            + " \"sigma_outer\": %s, \"sigma_inner\": %s, \"pole_half_angle_deg\": %s}}",
                    maskPx, n, tile, lambda, na, batch, src.stepSigma(), ill.shape().name(), ill.sigmaOuter(),
                    ill.sigmaInner(), ill.poleHalfAngleDeg()));
            Path script = Path.of("src", "test", "python", "abbe_reference.py").toAbsolutePath();
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString(), String.valueOf(reps))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                return "failed: " + out.replace('\n', ' ');
            }
            String last = out.substring(out.lastIndexOf('\n') + 1);
            double sec = Double.parseDouble(field(last, "seconds"));
            double rms = Double.parseDouble(field(last, "rms_vs_java"));
            NOTES.add(String.format(Locale.ROOT, "- NumPy reference at %d²: its own source sampling, %s points "
                            + "(same lattice points as ours: %s, max |Δw| %s), %s soft-rim (point, frequency) pairs, "
                            + "soft-rim table and source built in %.1f s in Python (once, not in the timing); NumPy %s",
                    maskPx, field(last, "source_points"), field(last, "same_points_as_java"),
                    field(last, "max_weight_diff"), field(last, "rim_cells"),
                    Double.parseDouble(field(last, "setup_seconds")), field(last, "numpy").replace("\"", "")));
            return String.format(Locale.ROOT, "%.3f | %.1e", sec, rms);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "not run (" + e.getMessage() + ") | -";
        }
    }

    private static void job(PhysicsSimulatorProperties props) {
        PhysicsSimulator sim = new PhysicsSimulator(props);
        line("Complete jobs (EUV, NA 0.33, σ 0.8, class 1 MODERATE, grid 1 nm, FEM "
                + props.fem().focusPoints() + " × " + props.fem().dosePoints() + ", MEEF, stochastics, full images):");
        line("");
        line("| run | path | wall (s) | mask grid | image grid | kernels | DoF (nm) | CD (nm) |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- |");
        String[] runs = {"cold (kernels built)", "warm (kernels cached)", "warm, another dose", "warm, another class",
                "cold, new setting NA 0.34", "cold, new setting NA 0.32", "abbe", "abbe, another dose"};
        for (String run : runs) {
            boolean surrogate = !run.startsWith("abbe");
            double na = run.contains("0.34") ? 0.34 : run.contains("0.32") ? 0.32 : 0.33;
            JobParameters p = new JobParameters("bench_" + run.hashCode(), na, 13.5,
                    run.contains("dose") ? 40.0 : 30.0, 0.8, 30.0, 1.0, PatternComplexity.MODERATE, surrogate,
                    run.contains("class") ? 15 : 1, null, null, null, Map.of());
            long t = System.nanoTime();
            SimulationResult r = sim.runJob(p);
            double wall = (System.nanoTime() - t) / 1e9;
            line(String.format(Locale.ROOT, "| %s | %s | %.3f | %d² | %d² | %s | %.1f | %.2f |", run,
                    r.computeStats().imagingPath(), wall, r.computeStats().gridPx(), r.computeStats().imageGridPx(),
                    r.computeStats().kernels(), r.outputs().depthOfFocusNm(), r.outputs().cdNm()));
        }
    }

    /** A scalar field of the reference's one-line JSON answer (numbers, booleans, quoted strings). */
    private static String field(String json, String name) {
        return json.replaceAll(".*\"" + name + "\": (\"[^\"]*\"|[^,}]+).*", "$1").trim();
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void line(String s) {
        System.out.println(s);
        OUT.append(s).append('\n');
    }
}
