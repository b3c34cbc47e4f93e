package org.ganscope.analysis.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Small PNG figures for the command-line reports (line charts and horizontal bars), drawn with Java2D. */
public final class Charts {
    private static final int W = 640;
    private static final int H = 400;
    private static final int L = 70;
    private static final int R = 20;
    private static final int T = 44;
    private static final int B = 50;
    private static final Color[] PALETTE = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd)};

    /** One line: y over x, with an optional band (y - spread, y + spread). */
    public record Series(String name, double[] x, double[] y, double[] spread) {
    }

    private Charts() {
    }

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, L, 17);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return g;
    }

    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double xmin = Double.MAX_VALUE;
        double xmax = -Double.MAX_VALUE;
        double ymin = Double.MAX_VALUE;
        double ymax = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double x = logX ? Math.log10(s.x()[i]) : s.x()[i];
                double sp = s.spread() == null ? 0 : s.spread()[i];
                xmin = Math.min(xmin, x);
                xmax = Math.max(xmax, x);
                ymin = Math.min(ymin, s.y()[i] - sp);
                ymax = Math.max(ymax, s.y()[i] + sp);
            }
        }
        ymin = Math.min(ymin, 0);
        if (ymax <= ymin) {
            ymax = ymin + 1;
        }
        if (xmax <= xmin) {
            xmax = xmin + 1;
        }
        axes(g, xLabel, yLabel, ymin, ymax);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < s.x().length; i++) {
                double xv = logX ? Math.log10(s.x()[i]) : s.x()[i];
                int x = (int) (L + (xv - xmin) / (xmax - xmin) * (W - L - R));
                int y = (int) (H - B - (s.y()[i] - ymin) / (ymax - ymin) * (H - T - B));
                if (s.spread() != null) {
                    int d = (int) (s.spread()[i] / (ymax - ymin) * (H - T - B));
                    g.drawLine(x, y - d, x, y + d);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
                if (s.x().length <= 12) {
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(fmt(s.x()[i]), x - 6, H - B + 16);
                    g.setColor(PALETTE[k % PALETTE.length]);
                }
            }
            g.drawString(s.name(), W - R - 200, T + 16 + 16 * k);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** Horizontal bars, one per label (e.g. insertion effect by the class that was there). */
    public static void bars(Path png, String title, String valueLabel, List<String> labels, double[] values) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);
        double lo = Math.min(0, Arrays.stream(values).min().orElse(0));
        double hi = Math.max(1e-9, Arrays.stream(values).max().orElse(1));
        int left = 150;
        int rowH = Math.max(10, (H - T - B) / Math.max(1, labels.size()));
        int zero = (int) (left + (0 - lo) / (hi - lo) * (W - left - R - 50));
        for (int i = 0; i < labels.size(); i++) {
            int y = T + i * rowH;
            int x = (int) (left + (values[i] - lo) / (hi - lo) * (W - left - R - 50));
            g.setColor(PALETTE[1]);
            g.fillRect(Math.min(zero, x), y + 2, Math.abs(x - zero), rowH - 4);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), 8, y + rowH - 4);
            g.drawString(fmt(values[i]), Math.max(zero, x) + 4, y + rowH - 4);
        }
        g.drawLine(zero, T, zero, H - B);
        g.drawString(valueLabel, left, H - 15);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void axes(Graphics2D g, String xLabel, String yLabel, double ymin, double ymax) {
        g.setColor(Color.BLACK);
        g.drawLine(L, H - B, W - R, H - B);
        g.drawLine(L, T, L, H - B);
        for (int i = 0; i <= 4; i++) {
            double v = ymin + (ymax - ymin) * i / 4;
            int y = (int) (H - B - (double) i / 4 * (H - T - B));
            g.setColor(new Color(0xdddddd));
            g.drawLine(L + 1, y, W - R, y);
            g.setColor(Color.BLACK);
            g.drawString(fmt(v), 8, y + 4);
        }
        g.drawString(xLabel, (W - L) / 2, H - 10);
        g.drawString(yLabel, 8, T - 8);
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
