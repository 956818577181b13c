package dev.lto.simulator.physics;

import dev.lto.simulator.spi.BossungCurve;
import dev.lto.simulator.spi.ImageArray;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** PNG renderings for job reports, plain java.awt (headless). */
final class Renderer {

    static final int MAX_IMAGE_PX = 512;

    private Renderer() {
    }

    /** Margins around the field: axis labels left and below, the colour bar right, title above. */
    static final int LEFT = 64;
    static final int RIGHT = 96;
    static final int TOP = 34;
    static final int BOTTOM = 62;

    /**
     * Aerial image in an inferno-like colour map (0 → black, max → pale yellow) with the printed
     * contour (where the resist image crosses the clearing level, E_th/dose) in cyan; x and y in nm
     * on the wafer, a colour bar in units of the clear-field intensity.
     */
    static byte[] aerialPng(ImageArray aerial, ImageArray resist, double level, PhysicsArtifacts.Caption caption) {
        return field(aerial, resist, level, Renderer::inferno, 0x00FFFF,
                "aerial image" + focusAndDose(caption), "intensity (clear field = 1)", caption);
    }

    /**
     * Resist latent image (aerial image after acid diffusion) in a blue–white map, the contour at the
     * print threshold in red and the threshold marked on the colour bar.
     */
    static byte[] resistPng(ImageArray resist, double level, PhysicsArtifacts.Caption caption) {
        return field(resist, resist, level, Renderer::ice, 0xE0201C,
                "resist latent image, print contour" + focusAndDose(caption), "latent intensity", caption);
    }

    private static String focusAndDose(PhysicsArtifacts.Caption c) {
        return c == null ? "" : String.format(Locale.ROOT, " (focus %.1f nm, %.1f mJ/cm², %s)", c.defocusNm(),
                c.doseMjCm2(), c.path());
    }

    private static byte[] field(ImageArray values, ImageArray contourOf, double level,
                                java.util.function.DoubleUnaryOperator palette, int contourRgb, String title,
                                String barLabel, PhysicsArtifacts.Caption caption) {
        int n = values.width();
        int stride = Math.max(1, (n + MAX_IMAGE_PX - 1) / MAX_IMAGE_PX);
        int w = n / stride;
        float max = 1e-6f;
        for (float v : values.values()) {
            max = Math.max(max, v);
        }
        double top = Math.max(max, level);
        BufferedImage img = new BufferedImage(LEFT + w + RIGHT, TOP + w + BOTTOM, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        // Pixels straight into the raster's int array (setRGB converts colour models per call).
        int[] rgbData = ((java.awt.image.DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int stride0 = img.getWidth();
        for (int r = 0; r < w; r++) {
            for (int c = 0; c < w; c++) {
                double v = values.at(r * stride, c * stride) / top;
                boolean in = contourOf.at(r * stride, c * stride) >= level;
                boolean edge = false;
                if (r + 1 < w && c + 1 < w) {
                    edge = in != (contourOf.at((r + 1) * stride, c * stride) >= level)
                            || in != (contourOf.at(r * stride, (c + 1) * stride) >= level);
                }
                // Image row 0 at y = 0, wafer y up: flip vertically.
                rgbData[(TOP + w - 1 - r) * stride0 + LEFT + c] = edge ? contourRgb : (int) palette.applyAsDouble(v);
            }
        }
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        g.drawRect(LEFT - 1, TOP - 1, w + 1, w + 1);
        // Axes in nm: the picture covers the tile, pixel = values.pixelNm()·stride.
        double pixel = values.pixelNm() * stride;
        double extent = w * pixel;
        double step = niceStep(extent / 5);
        for (double t = 0; t <= extent + 1e-9; t += step) {
            int x = LEFT + (int) Math.round(t / pixel);
            int y = TOP + w - (int) Math.round(t / pixel);
            g.drawLine(x, TOP + w, x, TOP + w + 4);
            String label = tick(t, step);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + w + 16);
            g.drawLine(LEFT - 5, y, LEFT - 1, y);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.drawString("x (nm)", LEFT + w / 2 - 15, TOP + w + 30);
        g.drawString("y (nm)", 4, TOP - 6);
        g.drawString(title, LEFT, 14);
        if (caption != null) {
            g.drawString(String.format(Locale.ROOT, "picture pixel %.3g nm; simulator pixel %.3g nm on a %d² grid",
                    pixel, caption.simulatorPixelNm(), caption.simulatorGridPx()), LEFT - 56, TOP + w + 46);
        }
        // Colour bar 0 … top with ticks; the print threshold as a line in the contour colour.
        int bx = LEFT + w + 18;
        int bw = 16;
        for (int y = 0; y < w; y++) {
            int rgb = (int) palette.applyAsDouble(1.0 - (double) y / Math.max(1, w - 1));
            for (int x = 0; x < bw; x++) {
                img.setRGB(bx + x, TOP + y, rgb);
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(bx - 1, TOP - 1, bw + 1, w + 1);
        double vstep = niceStep(top / 5);
        for (double v = 0; v <= top + 1e-12; v += vstep) {
            int y = TOP + w - 1 - (int) Math.round(v / top * (w - 1));
            g.drawLine(bx + bw, y, bx + bw + 4, y);
            g.drawString(tick(v, vstep), bx + bw + 7, y + 4);
        }
        int ly = TOP + w - 1 - (int) Math.round(Math.min(1, level / top) * (w - 1));
        g.setColor(new Color(contourRgb));
        g.setStroke(new BasicStroke(2f));
        g.drawLine(bx - 4, ly, bx + bw + 4, ly);
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "threshold %.3f", level), bx - 14, TOP + w + 30);
        java.awt.geom.AffineTransform keep = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(barLabel, -(TOP + w / 2 + g.getFontMetrics().stringWidth(barLabel) / 2), bx + bw + 60);
        g.setTransform(keep);
        g.dispose();
        return png(img);
    }

    /** 1, 2 or 5 × 10^k, the smallest not below {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String tick(double v, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double inferno(double t) {
        t = Math.max(0, Math.min(1, t));
        int red = (int) (255 * Math.min(1, 1.6 * t));
        int green = (int) (255 * Math.max(0, Math.min(1, 1.6 * t - 0.5)));
        int blue = (int) (255 * Math.max(0, Math.min(1, t < 0.4 ? 1.2 * t : 1.8 * t - 0.9)));
        return (red << 16) | (green << 8) | blue;
    }

    /** Dark blue → white. */
    private static double ice(double t) {
        t = Math.max(0, Math.min(1, t));
        int red = (int) (255 * Math.max(0, Math.min(1, 1.5 * t - 0.4)));
        int green = (int) (255 * Math.max(0, Math.min(1, 1.3 * t - 0.1)));
        int blue = (int) (255 * Math.min(1, 0.35 + 0.9 * t));
        return (red << 16) | (green << 8) | blue;
    }

    /** Bossung plot: CD vs focus, one curve per dose, target and ±tolerance band. */
    static byte[] bossungPng(List<BossungCurve> curves, double targetCd, double tolerance,
                             PhysicsArtifacts.Caption caption) {
        int w = 640;
        int h = 420;
        int left = 70;
        int right = 20;
        int top = 30;
        int bottom = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double zmin = Double.POSITIVE_INFINITY;
        double zmax = Double.NEGATIVE_INFINITY;
        for (BossungCurve c : curves) {
            for (double z : c.focusNm()) {
                zmin = Math.min(zmin, z);
                zmax = Math.max(zmax, z);
            }
        }
        if (!(zmax > zmin)) {
            zmin -= 1;
            zmax += 1;
        }
        double cmin = targetCd * 0.5;
        double cmax = targetCd * 1.5;
        double fz0 = zmin;
        double fz1 = zmax;
        java.util.function.DoubleUnaryOperator px = z -> left + (z - fz0) / (fz1 - fz0) * (w - left - right);
        java.util.function.DoubleUnaryOperator py = cd -> top + (cmax - Math.max(cmin, Math.min(cmax, cd)))
                / (cmax - cmin) * (h - top - bottom);
        g.setColor(new Color(225, 240, 225));
        int yTop = (int) py.applyAsDouble(targetCd * (1 + tolerance));
        int yBot = (int) py.applyAsDouble(targetCd * (1 - tolerance));
        g.fillRect(left, yTop, w - left - right, yBot - yTop);
        g.setColor(Color.GRAY);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.drawLine(left, (int) py.applyAsDouble(targetCd), w - right, (int) py.applyAsDouble(targetCd));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        for (int i = 0; i <= 4; i++) {
            double z = zmin + (zmax - zmin) * i / 4;
            int x = (int) px.applyAsDouble(z);
            g.drawString(String.format(Locale.ROOT, "%.0f", z), x - 12, h - bottom + 16);
            double cd = cmin + (cmax - cmin) * i / 4;
            g.drawString(String.format(Locale.ROOT, "%.1f", cd), 8, (int) py.applyAsDouble(cd) + 4);
        }
        g.drawString("focus (nm)", w / 2 - 30, h - 10);
        g.drawString("CD (nm)", 8, 18);
        g.drawString(String.format(Locale.ROOT, "Bossung: CD vs focus per dose, target %.1f nm ± %.0f %%%s", targetCd,
                tolerance * 100, caption == null || !Double.isFinite(caption.dofNm()) ? ""
                        : String.format(Locale.ROOT, ", DoF %.1f nm", caption.dofNm())), left + 60, 18);
        g.setStroke(new BasicStroke(2f));
        int k = 0;
        for (BossungCurve c : curves) {
            float hue = curves.size() <= 1 ? 0f : 0.7f * k / (curves.size() - 1);
            g.setColor(Color.getHSBColor(hue, 0.85f, 0.8f));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < c.focusNm().length; i++) {
                double cd = c.cdNm()[i];
                if (Double.isNaN(cd)) {
                    pen = false;
                    continue;
                }
                double x = px.applyAsDouble(c.focusNm()[i]);
                double y = py.applyAsDouble(cd);
                if (pen) {
                    path.lineTo(x, y);
                } else {
                    path.moveTo(x, y);
                    pen = true;
                }
                g.fillOval((int) x - 3, (int) y - 3, 6, 6);
            }
            g.draw(path);
            g.drawString(String.format(Locale.ROOT, "%.1f mJ/cm²", c.doseMjCm2()), w - right - 95, top + 14 + 13 * k);
            k++;
        }
        g.dispose();
        return png(img);
    }

    /** PNG with a fast deflate level: every job's pictures are written, so encoding time is job time. */
    private static byte[] png(BufferedImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
             javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            try {
                javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
                if (param.canWriteCompressed()) {
                    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionQuality(0.9f); // JDK PNG writer: deflate level ≈ 9·(1 − quality) → 1
                }
                writer.setOutput(ios);
                writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
            } finally {
                writer.dispose();
            }
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
