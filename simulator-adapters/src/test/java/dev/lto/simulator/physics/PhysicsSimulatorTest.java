package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.ComputeStats;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationOutputs;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.SimulationArtifacts;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

class PhysicsSimulatorTest {

    static PhysicsSimulator sim;
    static SimulationResult audited;

    @BeforeAll
    static void run() {
        sim = new PhysicsSimulator(TestJobs.fastProps());
        audited = sim.runJob(TestJobs.euv("job_audit", true, Map.of("audit", true)));
    }

    /** The mask raster cap: the largest even size ≤ max with no prime factor above 5, checked by factoring every size. */
    @Test
    void theMaskCapIsTheLargestEvenFftFriendlySizeAtMost() {
        for (int max = 0; max <= 5000; max++) {
            int expected = 2;
            for (int n = 2; n <= max; n += 2) {
                int m = n;
                for (int p : new int[] {2, 3, 5}) {
                    while (m % p == 0) {
                        m /= p;
                    }
                }
                if (m == 1) {
                    expected = n;
                }
            }
            assertThat(PhysicsSimulator.largestNiceAtMost(max)).as("max %d", max).isEqualTo(expected);
        }
    }

    @Test
    void auditedSurrogateJobReportsEverything() {
        SimulationOutputs o = audited.outputs();
        assertThat(audited.adapterType()).isEqualTo("synthetic");
        assertThat(o.targetCdNm()).isCloseTo(0.5 * 13.5 / 0.33, within(1e-9));
        assertThat(o.k1()).isEqualTo(0.5);
        // The echoed formula λ/(2NA(1+σ)) (a formula check; that it is the imaged cut-off is tested in
        // ScalingAndSignalsTest against gratings imaged through Abbe).
        assertThat(o.resolutionNm()).isCloseTo(13.5 / (2 * 0.33 * 1.8), within(1e-9));
        assertThat(o.depthOfFocusNm()).isGreaterThan(0);
        assertThat(o.patternFidelity()).isBetween(0.0, 1.0);
        assertThat(o.nils()).isGreaterThan(0.5);
        assertThat(o.imageContrast()).isBetween(0.0, 1.0);
        assertThat(o.doseToSizeMjCm2()).isBetween(5.0, 80.0);
        assertThat(o.exposureLatitudePct()).isGreaterThan(0);
        assertThat(o.meef()).isGreaterThan(0.5);
        assertThat(o.stochasticFailureProbability()).isBetween(0.0, 1.0);
        assertThat(o.surrogateRmse()).isNotNull().isLessThan(5e-3);
        assertThat(o.defocusNm()).isEqualTo(0.0);
        assertThat(o.illumination()).isEqualTo("conventional(sigma=0.800)");
        assertThat(o.resistBlurNm()).isCloseTo(3.0, within(1e-12));
        for (double v : audited.tradeoffSignals().toArray()) {
            assertThat(v).isBetween(0.0, 1.0);
        }
        ComputeStats c = audited.computeStats();
        assertThat(c.imagingPath()).isEqualTo("socs");
        assertThat(c.kernels()).isBetween(1, 24);
        assertThat(c.sourcePoints()).isGreaterThan(100);
        assertThat(c.gridPx()).isGreaterThan(c.imageGridPx());
        assertThat(c.device()).isEqualTo("cpu");
        assertThat(c.flopEstimate()).isGreaterThan(1e6);
        assertThat(c.peakMemoryBytes()).isGreaterThan(0);
    }

    @Test
    void deterministic() {
        SimulationResult again = sim.runJob(TestJobs.euv("job_audit", true, Map.of("audit", true)));
        assertThat(again.outputs()).isEqualTo(audited.outputs());
        assertThat(again.tradeoffSignals()).isEqualTo(audited.tradeoffSignals());
    }

    @Test
    void streamsProgressStages() {
        List<MetricSnapshot> seen = new CopyOnWriteArrayList<>();
        Disposable d = sim.streamMetrics().subscribe(seen::add);
        try {
            sim.runJob(TestJobs.euv("job_progress", true, Map.of()));
        } finally {
            d.dispose();
        }
        assertThat(seen).extracting(MetricSnapshot::stage)
                .contains("mask", "imaging", "resist", "fem", "metrics", "done");
        assertThat(seen).allSatisfy(s -> assertThat(s.jobId()).isEqualTo("job_progress"));
        assertThat(seen.get(seen.size() - 1).progress()).isEqualTo(1.0);
    }

    @Test
    void imagesAndPngs() throws Exception {
        SimulationArtifacts a = sim.artifacts("job_audit").orElseThrow();
        int n = audited.computeStats().gridPx();
        // Pictures never need more than Renderer.MAX_IMAGE_PX a side: interpolated at that size from the
        // band-limited image when the simulator's grid is larger; the pixel is the picture's own.
        int px = Math.min(n, Renderer.MAX_IMAGE_PX);
        assertThat(a.aerialImage().width()).isEqualTo(px);
        assertThat(a.resistImage().values()).hasSize(px * px);
        assertThat(a.aerialImage().pixelNm() * px).isCloseTo(audited.computeStats().pixelNm() * n, within(1e-9));
        assertThat(a.bossung()).hasSize(7);
        assertThat(a.bossung().get(0).cdNm()).hasSize(7);
        for (byte[] png : List.of(a.aerialPng(), a.resistPng())) {
            BufferedImage pic = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(pic.getWidth()).isEqualTo(Renderer.LEFT + px + Renderer.RIGHT);
            assertThat(pic.getHeight()).isEqualTo(Renderer.TOP + px + Renderer.BOTTOM);
            assertThat(distinctColours(pic)).isGreaterThan(50);
            // Axis labels and ticks (dark pixels) in the margin below the field.
            assertThat(countDark(pic, 0, Renderer.TOP + px + 2, pic.getWidth(), Renderer.BOTTOM - 2))
                    .as("axis labels below the field").isGreaterThan(100);
        }
        BufferedImage aerial = ImageIO.read(new ByteArrayInputStream(a.aerialPng()));
        assertThat(countColour(aerial, 0x00FFFF)).as("printed contour pixels").isGreaterThan(100);
        BufferedImage resist = ImageIO.read(new ByteArrayInputStream(a.resistPng()));
        assertThat(countColour(resist, 0xE0201C)).as("threshold contour pixels").isGreaterThan(100);
        BufferedImage bossung = ImageIO.read(new ByteArrayInputStream(a.bossungPng()));
        assertThat(bossung.getWidth()).isEqualTo(640);
        assertThat(bossung.getHeight()).isEqualTo(420);
        assertThat(distinctColours(bossung)).isGreaterThan(10);
        if (Boolean.getBoolean("lto.pictures.keep")) {
            java.nio.file.Files.write(java.nio.file.Path.of("target/aerial.png"), a.aerialPng());
            java.nio.file.Files.write(java.nio.file.Path.of("target/resist.png"), a.resistPng());
            java.nio.file.Files.write(java.nio.file.Path.of("target/bossung.png"), a.bossungPng());
        }
    }

    private static int countDark(BufferedImage img, int x0, int y0, int w, int h) {
        int dark = 0;
        for (int y = y0; y < Math.min(img.getHeight(), y0 + h); y++) {
            for (int x = x0; x < Math.min(img.getWidth(), x0 + w); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                dark += ((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF) < 200 ? 1 : 0;
            }
        }
        return dark;
    }

    @Test
    void healthIsUp() {
        assertThat(sim.healthCheck().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void illuminationsAndDefocusAreUsedAndEchoed() {
        SimulationResult annular = sim.runJob(TestJobs.euv("job_ann", false,
                Map.of("illumination", "annular", "sigma_inner", 0.5, "defocus_nm", 60.0)));
        assertThat(annular.outputs().illumination()).isEqualTo("annular(0.500-0.800)");
        assertThat(annular.outputs().defocusNm()).isEqualTo(60.0);
        assertThat(annular.outputs().imageContrast()).isNotEqualTo(audited.outputs().imageContrast());
        SimulationResult dipole = sim.runJob(TestJobs.euv("job_dip", false, Map.of("illumination", "dipole")));
        assertThat(dipole.outputs().illumination()).startsWith("dipole_x");
        assertThat(dipole.computeStats().imagingPath()).isEqualTo("abbe");
        // A dipole along x favours vertical lines: more contrast than the conventional source.
        assertThat(dipole.outputs().imageContrast()).isGreaterThan(audited.outputs().imageContrast());
        SimulationResult quasar = sim.runJob(TestJobs.euv("job_quasar", false, Map.of("illumination", "quasar")));
        assertThat(quasar.outputs().illumination()).startsWith("quasar");
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                s.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return s.size();
    }

    private static int countColour(BufferedImage img, int rgb) {
        int c = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    c++;
                }
            }
        }
        return c;
    }
}
