package org.ganscope.analysis.dissect;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The outcome of the threshold pass: one threshold per unit and, in IQR mode, the
 * selection (labels chosen on the threshold set, SPEC section 5), and the held-out set of
 * the controls ({@link HeldOut}; null for thresholds without controls). {@link #write} and
 * {@link #read} give an exact binary form for artifact stores.
 */
public record Thresholds(double[] values, IqrSelection selection, HeldOut heldOut) {
    private static final int MAGIC = 0x47535448; // "GSTH"
    private static final int MAGIC_CONTROLS = 0x47535432; // "GST2": followed by the held-out set

    /** Thresholds without controls. */
    public Thresholds(double[] values, IqrSelection selection) {
        this(values, selection, null);
    }

    public boolean iqr() {
        return selection != null;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(heldOut == null ? MAGIC : MAGIC_CONTROLS);
        writeBody(out);
        if (heldOut != null) {
            heldOut.write(out);
        }
    }

    private void writeBody(DataOutputStream out) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
        out.writeBoolean(iqr());
        if (!iqr()) {
            return;
        }
        IqrSelection s = selection;
        int classes = s.maxIqr()[0].length;
        out.writeInt(classes);
        for (int u = 0; u < values.length; u++) {
            for (double v : s.levels()[u]) {
                out.writeDouble(v);
            }
            for (int c = 0; c < classes; c++) {
                out.writeDouble(s.maxIqr()[u][c]);
                out.writeInt(s.levelIndex()[u][c]);
            }
            out.writeInt(s.bestLabel()[u]);
            out.writeInt(s.chosenLevel()[u]);
            out.writeDouble(s.thresholds()[u]);
            out.writeBoolean(s.labelUndetermined()[u]);
        }
    }

    public static Thresholds read(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC && magic != MAGIC_CONTROLS) {
            throw new IOException("not a ganscope thresholds artifact");
        }
        Thresholds t = readBody(in);
        return magic == MAGIC_CONTROLS ? new Thresholds(t.values, t.selection, HeldOut.read(in)) : t;
    }

    private static Thresholds readBody(DataInputStream in) throws IOException {
        int units = in.readInt();
        double[] values = new double[units];
        for (int u = 0; u < units; u++) {
            values[u] = in.readDouble();
        }
        if (!in.readBoolean()) {
            return new Thresholds(values, null);
        }
        int classes = in.readInt();
        double[][] levels = new double[units][IqrLevels.COUNT];
        double[][] maxIqr = new double[units][classes];
        int[][] levelIndex = new int[units][classes];
        int[] best = new int[units];
        int[] chosen = new int[units];
        double[] thr = new double[units];
        boolean[] undetermined = new boolean[units];
        for (int u = 0; u < units; u++) {
            for (int j = 0; j < IqrLevels.COUNT; j++) {
                levels[u][j] = in.readDouble();
            }
            for (int c = 0; c < classes; c++) {
                maxIqr[u][c] = in.readDouble();
                levelIndex[u][c] = in.readInt();
            }
            best[u] = in.readInt();
            chosen[u] = in.readInt();
            thr[u] = in.readDouble();
            undetermined[u] = in.readBoolean();
        }
        return new Thresholds(values, new IqrSelection(levels, maxIqr, levelIndex, best, chosen, thr, undetermined));
    }
}
