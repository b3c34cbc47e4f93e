package org.ganscope.analysis.dissect;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The control counts of an evaluation shard, accumulated next to {@link EvalShard}'s SPEC
 * counts from the same images (all longs: {@link #merge} is exact and order-independent):
 *
 * <ul>
 * <li>{@code loc[u][c]}: pixels of class {@code c} inside the unit's location mask for
 *   {@code c} ({@link HeldOut}: area {@code area[u]}, the pixels where {@code c} is most
 *   frequent on the threshold set), summed over images;</li>
 * <li>{@code topOn[u][c]}: on-pixels of class {@code c} at the top-1% thresholds;</li>
 * <li>per bootstrap replicate {@code b} ({@link Bootstrap}): the weighted image count, class
 *   pixels, unit on-pixels, and for each tracked class of each unit (the threshold set's
 *   label in IQR mode, every class in quantile mode) the intersection and the location-mask
 *   intersection;</li>
 * <li>for each tracked class of each unit, the ten second moments of the per-image
 *   {@code (I, U, L, V)} of the location test ({@link LocationTest}, docs/CONTROLS.md), summed
 *   over images ({@code mom}) and weighted per bootstrap replicate ({@code bMom}).</li>
 * </ul>
 */
public final class ControlTally {
    private final HeldOut held;
    private final long seed;
    private final int units;
    private final int classes;
    private final int pixels;
    private final int slots;
    private final int replicates;
    private final int[][] rank; // [C][P] pixels by decreasing held-out frequency
    final long[] loc;
    final long[] topOn;
    final long[] bImages;
    final long[] bClass;
    final long[] bOn;
    final long[] bInter;
    final long[] bLoc;
    final long[] mom;  // [U][slots][MOMENTS]
    final long[] bMom; // [B][U][slots][MOMENTS]
    // per-image scratch
    private final int[] w;
    private final long[] tc;
    private final long[] au;
    private final int[][] cum;
    private final long[] prod;

    public ControlTally(HeldOut held, long seed, int replicates) {
        this.held = held;
        this.seed = seed;
        this.units = held.units();
        this.classes = held.numClasses();
        this.pixels = held.pixels();
        this.replicates = replicates;
        boolean fixed = held.labels().length > 0 && held.labels()[0] >= 0;
        this.slots = fixed ? 1 : classes;
        this.rank = new int[classes][];
        for (int c = 0; c < classes; c++) {
            rank[c] = held.ranking(c);
        }
        this.loc = new long[units * classes];
        this.topOn = new long[units * classes];
        this.bImages = new long[replicates];
        this.bClass = new long[replicates * classes];
        this.bOn = new long[replicates * units];
        this.bInter = new long[replicates * units * slots];
        this.bLoc = new long[replicates * units * slots];
        this.mom = new long[units * slots * LocationTest.MOMENTS];
        this.bMom = new long[replicates * units * slots * LocationTest.MOMENTS];
        this.prod = new long[units * slots * LocationTest.MOMENTS];
        this.w = new int[replicates];
        this.tc = new long[classes];
        this.au = new long[units];
        this.cum = new int[classes][pixels + 1];
    }

    public HeldOut heldOut() {
        return held;
    }

    public long seed() {
        return seed;
    }

    public int replicates() {
        return replicates;
    }

    /** The class tracked in replicate slot {@code s} of unit {@code u}. */
    int slotClass(int u, int s) {
        return slots == 1 ? held.labels()[u] : s;
    }

    /** The replicate slot of class {@code c} for unit {@code u}, or -1 if not tracked. */
    int slot(int u, int c) {
        if (slots == 1) {
            return held.labels()[u] == c ? 0 : -1;
        }
        return c;
    }

    /**
     * Counts one image: its global sample index, labels {@code seg[off .. off+P)}, and its
     * per-unit per-class on-pixel counts at the dissection thresholds ({@code on}) and at
     * the top-1% thresholds ({@code top}), both {@code [U][C]}.
     */
    void addImage(long index, int[] seg, int off, long[] on, long[] top) {
        for (int k = 0; k < topOn.length; k++) {
            topOn[k] += top[k];
        }
        Arrays.fill(tc, 0);
        for (int p = 0; p < pixels; p++) {
            tc[seg[off + p]]++;
        }
        for (int c = 0; c < classes; c++) {
            int[] cc = cum[c];
            int[] rc = rank[c];
            if (tc[c] == 0) {
                Arrays.fill(cc, 0);
                continue;
            }
            for (int j = 0; j < pixels; j++) {
                cc[j + 1] = cc[j] + (seg[off + rc[j]] == c ? 1 : 0);
            }
        }
        int[] area = held.area();
        for (int u = 0; u < units; u++) {
            for (int c = 0; c < classes; c++) {
                loc[u * classes + c] += cum[c][area[u]];
            }
        }
        for (int u = 0; u < units; u++) {
            long a = 0;
            for (int c = 0; c < classes; c++) {
                a += on[u * classes + c];
            }
            au[u] = a;
            for (int s = 0; s < slots; s++) {
                int c = slotClass(u, s);
                long inter = on[u * classes + c];
                long l = cum[c][area[u]];
                LocationTest.products(inter, a + tc[c] - inter, l, area[u] + tc[c] - l, prod, (u * slots + s) * LocationTest.MOMENTS);
            }
        }
        add(mom, prod);
        Bootstrap.weights(seed, index, w);
        for (int b = 0; b < replicates; b++) {
            long wb = w[b];
            if (wb == 0) {
                continue;
            }
            bImages[b] += wb;
            for (int c = 0; c < classes; c++) {
                bClass[b * classes + c] += wb * tc[c];
            }
            for (int u = 0; u < units; u++) {
                bOn[b * units + u] += wb * au[u];
                int base = (b * units + u) * slots;
                for (int s = 0; s < slots; s++) {
                    int c = slotClass(u, s);
                    bInter[base + s] += wb * on[u * classes + c];
                    bLoc[base + s] += wb * cum[c][area[u]];
                }
            }
            int mb = b * prod.length;
            for (int k = 0; k < prod.length; k++) {
                bMom[mb + k] += wb * prod[k];
            }
        }
    }

    public void merge(ControlTally o) {
        if (o.seed != seed || o.replicates != replicates || !o.held.equals(held)) {
            throw new IllegalArgumentException("cannot merge control counts of different seeds or held-out sets");
        }
        add(loc, o.loc);
        add(topOn, o.topOn);
        add(bImages, o.bImages);
        add(bClass, o.bClass);
        add(bOn, o.bOn);
        add(bInter, o.bInter);
        add(bLoc, o.bLoc);
        add(mom, o.mom);
        add(bMom, o.bMom);
    }

    private static void add(long[] a, long[] b) {
        for (int k = 0; k < a.length; k++) {
            a[k] += b[k];
        }
    }

    /** The replicate's intersection of unit {@code u} with class {@code c} (tracked classes only). */
    long replicateInter(int b, int u, int c) {
        return bInter[(b * units + u) * slots + slot(u, c)];
    }

    long replicateLoc(int b, int u, int c) {
        return bLoc[(b * units + u) * slots + slot(u, c)];
    }

    /** Offset of the moments of unit {@code u}, class {@code c} in {@link #mom} (tracked classes only). */
    int momentOffset(int u, int c) {
        return (u * slots + slot(u, c)) * LocationTest.MOMENTS;
    }

    /** Offset of replicate {@code b}'s moments of unit {@code u}, class {@code c} in {@link #bMom}. */
    int replicateMomentOffset(int b, int u, int c) {
        return ((b * units + u) * slots + slot(u, c)) * LocationTest.MOMENTS;
    }

    public void write(DataOutputStream out) throws IOException {
        held.write(out);
        out.writeLong(seed);
        out.writeInt(replicates);
        for (long[] a : new long[][] {loc, topOn, bImages, bClass, bOn, bInter, bLoc, mom, bMom}) {
            for (long v : a) {
                out.writeLong(v);
            }
        }
    }

    public static ControlTally read(DataInputStream in) throws IOException {
        HeldOut held = HeldOut.read(in);
        long seed = in.readLong();
        int replicates = in.readInt();
        if (replicates < 1 || replicates > 100_000) {
            throw new IOException("bad replicate count " + replicates);
        }
        ControlTally t = new ControlTally(held, seed, replicates);
        for (long[] a : new long[][] {t.loc, t.topOn, t.bImages, t.bClass, t.bOn, t.bInter, t.bLoc, t.mom, t.bMom}) {
            for (int k = 0; k < a.length; k++) {
                a[k] = in.readLong();
            }
        }
        return t;
    }
}
