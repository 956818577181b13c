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

    /**
     * Aerial image in an inferno-like colour map (0 → black, ≥ max → pale yellow), with the printed
     * contour (where the resist image crosses the clearing level) in cyan.
     */
    static byte[] aerialPng(ImageArray aerial, ImageArray resist, double level) {
        int n = aerial.width();
        int stride = Math.max(1, (n + MAX_IMAGE_PX - 1) / MAX_IMAGE_PX);
        int w = n / stride;
        float max = 1e-6f;
        for (float v : aerial.values()) {
            max = Math.max(max, v);
        }
        BufferedImage img = new BufferedImage(w, w, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < w; r++) {
            for (int c = 0; c < w; c++) {
                float v = aerial.at(r * stride, c * stride) / max;
                boolean in = resist.at(r * stride, c * stride) >= level;
                boolean edge = false;
                if (r + 1 < w && c + 1 < w) {
                    edge = in != (resist.at((r + 1) * stride, c * stride) >= level)
                            || in != (resist.at(r * stride, (c + 1) * stride) >= level);
                }
                // Image row 0 at the top, wafer y up: flip vertically.
                img.setRGB(c, w - 1 - r, edge ? 0x00FFFF : colour(v));
            }
        }
        return png(img);
    }

    private static int colour(float t) {
        t = Math.max(0, Math.min(1, t));
        int red = (int) (255 * Math.min(1, 1.6 * t));
        int green = (int) (255 * Math.max(0, Math.min(1, 1.6 * t - 0.5)));
        int blue = (int) (255 * Math.max(0, Math.min(1, t < 0.4 ? 1.2 * t : 1.8 * t - 0.9)));
        return (red << 16) | (green << 8) | blue;
    }

    /** Bossung plot: CD vs focus, one curve per dose, target and ±tolerance band. */
    static byte[] bossungPng(List<BossungCurve> curves, double targetCd, double tolerance) {
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

    private static byte[] png(BufferedImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
