package org.descent.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleBinaryOperator;

/**
 * A filled contour map of a function of two variables with optimizer trajectories drawn over it,
 * as in the optimization deck's Beale and saddle figures. Contour levels are quantiles of the function over the
 * plotted window, so functions whose values span many orders of magnitude (Beale) still show
 * their valleys. Pure Java2D; written atomically as PNG.
 */
public final class ContourPlot {
    /** One trajectory: a name for the legend and its points in order. */
    public record Series(String name, double[] xs, double[] ys) {
    }

    private static final Color[] LINE_COLORS = {
        new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0x7f7f7f), new Color(0xbcbd22),
    };
    private static final int LEVELS = 24;

    private final int width;
    private final int height;

    public ContourPlot(int width, int height) {
        this.width = width;
        this.height = height;
    }

    public void render(DoubleBinaryOperator f, double xMin, double xMax, double yMin, double yMax,
                       List<Series> series, String title, Path out) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 70;
        int right = 190;
        int top = 40;
        int bottom = 55;
        int pw = width - left - right;
        int ph = height - top - bottom;

        double[] z = new double[pw * ph];
        for (int j = 0; j < ph; j++) {
            double y = yMax - (j + 0.5) / ph * (yMax - yMin);
            for (int i = 0; i < pw; i++) {
                double x = xMin + (i + 0.5) / pw * (xMax - xMin);
                z[j * pw + i] = f.applyAsDouble(x, y);
            }
        }
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        double[] levels = new double[LEVELS - 1];
        for (int l = 1; l < LEVELS; l++) {
            levels[l - 1] = sorted[(int) ((long) l * (sorted.length - 1) / LEVELS)];
        }
        int[] band = new int[z.length];
        for (int p = 0; p < z.length; p++) {
            int b = Arrays.binarySearch(levels, z[p]);
            band[p] = b >= 0 ? b : -b - 1;
        }
        for (int j = 0; j < ph; j++) {
            for (int i = 0; i < pw; i++) {
                int b = band[j * pw + i];
                boolean edge = (i + 1 < pw && band[j * pw + i + 1] != b) || (j + 1 < ph && band[(j + 1) * pw + i] != b);
                img.setRGB(left + i, top + j, edge ? darker(bandColor(b)) : bandColor(b).getRGB());
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, pw, ph);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int t = 0; t <= 4; t++) {
            double xv = xMin + t * (xMax - xMin) / 4;
            int px = left + (int) Math.round(t * pw / 4.0);
            g.drawLine(px, top + ph, px, top + ph + 5);
            g.drawString(num(xv), px - 12, top + ph + 20);
            double yv = yMin + t * (yMax - yMin) / 4;
            int py = top + ph - (int) Math.round(t * ph / 4.0);
            g.drawLine(left - 5, py, left, py);
            g.drawString(num(yv), left - 45, py + 4);
        }
        g.drawString("x", left + pw / 2, height - 12);
        g.drawString("y", 15, top + ph / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);

        g.setClip(left, top, pw, ph);
        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            Color c = LINE_COLORS[s % LINE_COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            Path2D.Double path = new Path2D.Double();
            boolean started = false;
            for (int k = 0; k < ser.xs().length; k++) {
                if (!Double.isFinite(ser.xs()[k]) || !Double.isFinite(ser.ys()[k])) {
                    break;
                }
                double px = left + (ser.xs()[k] - xMin) / (xMax - xMin) * pw;
                double py = top + (yMax - ser.ys()[k]) / (yMax - yMin) * ph;
                px = Math.max(-1e4, Math.min(1e4, px));
                py = Math.max(-1e4, Math.min(1e4, py));
                if (!started) {
                    path.moveTo(px, py);
                    started = true;
                } else {
                    path.lineTo(px, py);
                }
            }
            g.draw(path);
            int last = ser.xs().length - 1;
            if (last >= 0 && Double.isFinite(ser.xs()[last]) && Double.isFinite(ser.ys()[last])) {
                int ex = (int) Math.round(left + (ser.xs()[last] - xMin) / (xMax - xMin) * pw);
                int ey = (int) Math.round(top + (yMax - ser.ys()[last]) / (yMax - yMin) * ph);
                g.fillOval(ex - 4, ey - 4, 9, 9);
            }
        }
        if (!series.isEmpty() && series.get(0).xs().length > 0) {
            int sx = (int) Math.round(left + (series.get(0).xs()[0] - xMin) / (xMax - xMin) * pw);
            int sy = (int) Math.round(top + (yMax - series.get(0).ys()[0]) / (yMax - yMin) * ph);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f));
            g.drawLine(sx - 6, sy - 6, sx + 6, sy + 6);
            g.drawLine(sx - 6, sy + 6, sx + 6, sy - 6);
        }
        g.setClip(null);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int ly = top + 10;
        for (int s = 0; s < series.size(); s++) {
            g.setColor(LINE_COLORS[s % LINE_COLORS.length]);
            g.fillRect(left + pw + 15, ly, 22, 4);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s).name(), left + pw + 45, ly + 6);
            ly += 22;
        }
        g.setColor(Color.BLACK);
        g.drawString("× start   ● end", left + pw + 15, ly + 12);
        g.dispose();
        Png.write(img, out);
    }

    private static Color bandColor(int b) {
        // Light viridis-like ramp: low values dark blue-green, high values pale yellow.
        double t = (double) b / LEVELS;
        int r = (int) (68 + t * (253 - 68));
        int gr = (int) (1 + Math.sqrt(t) * (231 - 1));
        int bl = (int) (84 + Math.sin(Math.PI * t) * 80 - t * 47);
        Color base = new Color(clamp(r), clamp(gr), clamp(bl));
        // Mix with white so trajectories stay visible.
        return new Color((base.getRed() + 2 * 255) / 3, (base.getGreen() + 2 * 255) / 3, (base.getBlue() + 2 * 255) / 3);
    }

    private static int darker(Color c) {
        return new Color(c.getRed() * 3 / 4, c.getGreen() * 3 / 4, c.getBlue() * 3 / 4).getRGB();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.2g", v);
    }
}
