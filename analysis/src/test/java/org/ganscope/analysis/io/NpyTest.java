package org.ganscope.analysis.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.io.NpyArray.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private NpyArray roundTrip(NpyArray a) {
        Path f = dir.resolve("a.npy");
        Npy.write(f, a);
        NpyArray b = Npy.read(f);
        assertEquals(a.dtype(), b.dtype());
        assertArrayEquals(a.shape(), b.shape());
        return b;
    }

    @Test
    void readsHalfPrecisionWidenedExactlyToFloat() throws IOException {
        // numpy.save of np.array([1, -2, 65504, 2**-24, inf, 0.333, -0.0], dtype=np.float16): header then little-endian halves
        short[] halves = {0x3c00, (short) 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3554, (short) 0x8000};
        String dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (7,), }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 2 * halves.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (short h : halves) {
            b.putShort(h);
        }
        Path f = dir.resolve("h.npy");
        Files.write(f, b.array());
        NpyArray a = Npy.read(f);
        assertEquals(DType.F4, a.dtype());
        assertArrayEquals(new int[] {7}, a.shape());
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.33300781f, -0f}, a.floatData());
    }

    @Test
    void roundTripsEveryDtype() throws IOException {
        float[] f = {1.5f, -0f, Float.MAX_VALUE, Float.NaN, 3e-40f, 7f};
        assertArrayEquals(f, roundTrip(NpyArray.ofFloats(f, 2, 3)).floatData());
        double[] d = {Math.PI, -1e300, 0, Double.MIN_VALUE};
        assertArrayEquals(d, roundTrip(NpyArray.ofDoubles(d, 4)).doubleData());
        int[] i = {Integer.MIN_VALUE, -1, 0, 5, Integer.MAX_VALUE, 9, 8, 7};
        assertArrayEquals(i, roundTrip(NpyArray.ofInts(i, 2, 2, 2)).intData());
        long[] l = {Long.MIN_VALUE, 1L << 40, 3};
        assertArrayEquals(l, roundTrip(NpyArray.ofLongs(l, 3, 1)).longData());
        byte[] u = {0, 1, (byte) 255};
        NpyArray ub = roundTrip(NpyArray.ofUnsignedBytes(u, 3));
        assertArrayEquals(new int[] {0, 1, 255}, ub.toInts("u"));
        assertArrayEquals(new double[] {0, 1, 255}, ub.toDoubles());
        NpyArray bb = roundTrip(NpyArray.ofBooleans(new boolean[] {true, false}, 2));
        assertArrayEquals(new int[] {1, 0}, bb.toInts("b"));
        NpyArray scalar = roundTrip(NpyArray.ofDoubles(new double[] {2.5}));
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.size());
        NpyArray empty = roundTrip(NpyArray.ofFloats(new float[0], 0, 4));
        assertEquals(0, empty.size());
        byte[] raw = Files.readAllBytes(dir.resolve("a.npy"));
        int headerEnd = 10 + ((raw[8] & 0xff) | (raw[9] & 0xff) << 8);
        assertEquals(0, headerEnd % 64, "data aligned to 64 bytes");
        assertEquals('\n', raw[headerEnd - 1]);
    }

    @Test
    void readsTheBundledFixture() throws Exception {
        Path p = Path.of(getClass().getResource("/spec/case1/acts.npy").toURI());
        NpyArray a = Npy.read(p);
        assertEquals(DType.F4, a.dtype());
        assertArrayEquals(new int[] {100, 16, 8, 8}, a.shape());
        assertEquals("<f4 (100, 16, 8, 8)", a.describe());
        NpyArray s = Npy.read(p.resolveSibling("seg.npy"));
        assertEquals(DType.I4, s.dtype());
        assertArrayEquals(new int[] {100, 32, 32}, s.shape());
    }

    @Test
    void readsVersion2Headers() throws IOException {
        Path f = write("v2.npy", 2, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16, 7L, -3L);
        assertArrayEquals(new long[] {7, -3}, Npy.read(f).longData());
    }

    @Test
    void rejectsTruncatedAndOverlongFiles() throws IOException {
        Path f = dir.resolve("t.npy");
        Npy.write(f, NpyArray.ofFloats(new float[12], 3, 4));
        byte[] raw = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(raw, raw.length - 5));
        String m = assertThrows(AnalysisException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("truncated") && m.contains("t.npy") && m.contains("(3, 4)") && m.contains("<f4"), m);
        Files.write(f, Arrays.copyOf(raw, raw.length + 3));
        m = assertThrows(AnalysisException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("3 unexpected bytes"), m);
        Files.write(f, Arrays.copyOf(raw, 20));
        m = assertThrows(AnalysisException.class, () -> Npy.read(f)).getMessage();
        assertTrue(m.contains("truncated .npy header"), m);
    }

    @Test
    void rejectsOtherDtypesOrdersAndFiles() throws IOException {
        String m = message(write("c.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8));
        assertTrue(m.contains("c.npy") && m.contains("unsupported dtype") && m.contains("'<c8'") && m.contains("(1,)"), m);
        m = message(write("be.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }", 8));
        assertTrue(m.contains("big-endian") && m.contains("(1, 2)"), m);
        m = message(write("fo.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16));
        assertTrue(m.contains("Fortran"), m);
        m = message(write("st.npy", 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4));
        assertTrue(m.contains("st.npy"), m);
        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "hello world, not numpy");
        assertTrue(message(junk).contains("not a .npy file"));
        assertTrue(message(dir.resolve("missing.npy")).contains("not found"));
        assertThrows(AnalysisException.class, () -> NpyArray.ofDoubles(new double[] {1.5}, 1).toInts("x"));
        NpyArray big = NpyArray.ofLongs(new long[] {1L << 33}, 1);
        assertTrue(assertThrows(AnalysisException.class, () -> big.toInts("seg")).getMessage().contains("seg"));
    }

    private static String message(Path f) {
        return assertThrows(AnalysisException.class, () -> Npy.read(f)).getMessage();
    }

    /** A hand-made file: preamble, header padded to 64, then {@code dataBytes} bytes (longs given, zeros else). */
    private Path write(String name, int version, String header, int dataBytes, long... longs) throws IOException {
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + header.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String text = header + " ".repeat(padded - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        for (long v : longs) {
            b.putLong(v);
        }
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }
}
