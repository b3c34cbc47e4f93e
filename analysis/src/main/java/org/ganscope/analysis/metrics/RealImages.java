package org.ganscope.analysis.metrics;

import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.BundleException;

/** The bundle's held-out real images (sprite sheet) as float [N][3][S][S] in [-1, 1]. */
public final class RealImages {
    private RealImages() {
    }

    public static float[] load(Bundle b) {
        var r = b.manifest().real();
        int s = b.manifest().imageSize();
        BufferedImage sheet;
        try {
            sheet = ImageIO.read(b.file(r.images()).toFile());
        } catch (IOException e) {
            throw new BundleException("bundle " + b.name() + ": cannot read " + r.images() + ": " + e.getMessage());
        }
        float[] out = new float[r.count() * 3 * s * s];
        for (int i = 0; i < r.count(); i++) {
            int x0 = (i % r.columns()) * s;
            int y0 = (i / r.columns()) * s;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    int rgb = sheet.getRGB(x0 + x, y0 + y);
                    for (int c = 0; c < 3; c++) {
                        int v = (rgb >> (16 - 8 * c)) & 0xff;
                        out[((i * 3 + c) * s + y) * s + x] = v / 127.5f - 1f;
                    }
                }
            }
        }
        return out;
    }
}
