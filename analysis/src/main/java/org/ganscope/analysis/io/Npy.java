package org.ganscope.analysis.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.io.NpyArray.DType;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0), C order,
 * dtypes {@code <f4 <f8 <i4 <i8 |u1 |b1} ({@code <f2} is read too, widened exactly to {@code <f4}). Anything else (Fortran order, big-endian,
 * structured or other dtypes, a file shorter or longer than its header promises) is an
 * {@link AnalysisException} whose message names the file and what was found.
 *
 * <p>Hand-written on purpose (the .npy libraries on Maven Central were checked for issue 17):
 * {@code org.jetbrains.bio:npy} 0.3.5 (2021, Kotlin) pads headers to 16 bytes, not NumPy's
 * 64, writes shapes as {@code (2,3, )} and bytes as {@code |i1}, cannot read back its own
 * 0-d arrays, has no format 3.0 and adds kotlin-stdlib; {@code org.openlca:npy} 0.0.3 (2022)
 * writes {@code (2, 3,)} headers (files would no longer be byte-identical to numpy.save's),
 * widens {@code |u1} to short[] and {@code |b1} to boolean[], and its errors ("invalid NPY
 * file", "unsupported data type: <c8") name neither the file nor the shape, so the header
 * would have to be parsed here anyway for this class's messages.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int CHUNK = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"])([^'\"]*)\\1");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Reads a whole {@code .npy} file. */
    public static NpyArray read(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new AnalysisException(name + ": is a directory, not a .npy file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer pre = readAt(ch, 0, (int) Math.min(12, fileSize));
            if (fileSize < 10 || !hasMagic(pre)) {
                throw new AnalysisException(name + ": not a .npy file (missing \\x93NUMPY magic)");
            }
            int major = pre.get(6) & 0xff;
            int minor = pre.get(7) & 0xff;
            long headerLen;
            int prefix;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xffff;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                if (fileSize < 12) {
                    throw new AnalysisException(name + ": truncated .npy header");
                }
                headerLen = pre.getInt(8) & 0xffffffffL;
                prefix = 12;
            } else {
                throw new AnalysisException(name + ": unsupported .npy format version " + major + "." + minor);
            }
            if (prefix + headerLen > fileSize) {
                throw new AnalysisException(name + ": truncated .npy header (header says " + headerLen
                        + " bytes, file has " + (fileSize - prefix) + " after the preamble)");
            }
            ByteBuffer hb = readAt(ch, prefix, (int) headerLen);
            String header = new String(hb.array(), 0, (int) headerLen,
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
            Header h = parseHeader(name, header);
            long count = NpyArray.elementCount(h.shape);
            String found = "dtype '" + h.descr + "' with shape " + NpyArray.shapeString(h.shape);
            if (count > NpyArray.MAX_ELEMENTS) {
                throw new AnalysisException(name + ": " + found + " has too many elements to load at once");
            }
            long dataStart = prefix + headerLen;
            long expected = count * h.dtype.itemSize;
            long actual = fileSize - dataStart;
            if (actual < expected) {
                throw new AnalysisException(name + ": truncated file: " + found + " needs " + expected
                        + " bytes of data but only " + actual + " are present");
            }
            if (actual > expected) {
                throw new AnalysisException(name + ": " + (actual - expected) + " unexpected bytes after the "
                        + expected + " bytes of data for " + found);
            }
            return readData(ch, dataStart, h, (int) count);
        } catch (NoSuchFileException e) {
            throw new AnalysisException(name + ": file not found");
        } catch (IOException e) {
            throw new AnalysisException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes {@code array} as a version 1.0 file (2.0 if the header needs it). */
    public static void write(Path file, NpyArray array) {
        byte[] header = headerBytes(array);
        DType t = array.dtype();
        int n = array.size();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(header));
            int per = CHUNK / t.itemSize;
            ByteBuffer buf = ByteBuffer.allocate(per * t.itemSize).order(ByteOrder.LITTLE_ENDIAN);
            for (int off = 0; off < n; off += per) {
                int cnt = Math.min(per, n - off);
                buf.clear();
                switch (t) {
                    case F4 -> buf.asFloatBuffer().put(array.floatData(), off, cnt);
                    case F8 -> buf.asDoubleBuffer().put(array.doubleData(), off, cnt);
                    case I4 -> buf.asIntBuffer().put(array.intData(), off, cnt);
                    case I8 -> buf.asLongBuffer().put(array.longData(), off, cnt);
                    default -> buf.put(array.byteData(), off, cnt);
                }
                buf.position(0).limit(cnt * t.itemSize);
                writeFully(ch, buf);
            }
        } catch (IOException e) {
            throw new AnalysisException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static byte[] headerBytes(NpyArray a) {
        String dict = "{'descr': '" + a.dtype().descr + "', 'fortran_order': False, 'shape': "
                + NpyArray.shapeString(a.shape()) + ", }";
        int version = dict.length() + 11 <= 65535 ? 1 : 2;
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String text = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private record Header(String descr, DType dtype, int[] shape) {
    }

    private static Header parseHeader(String name, String header) {
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new AnalysisException(name + ": unsupported or malformed .npy header " + header
                    + " (need a simple dtype, fortran_order and shape)");
        }
        int[] shape = parseShape(name, s.group(1), header);
        String descr = d.group(2);
        String found = "dtype '" + descr + "' with shape " + NpyArray.shapeString(shape);
        if (f.group(1).equals("True")) {
            throw new AnalysisException(name + ": Fortran-order arrays are not supported (" + found
                    + "); save it with numpy.ascontiguousarray");
        }
        DType t = dtypeOf(descr);
        if (t == null) {
            String why = descr.startsWith(">") ? "big-endian dtypes are not supported"
                    : "unsupported dtype";
            throw new AnalysisException(name + ": " + why + ": found " + found
                    + "; expected one of <f4, <f8, <f2, <i4, <i8, |u1, |b1");
        }
        return new Header(descr, t, shape);
    }

    private static DType dtypeOf(String descr) {
        if (descr.length() == 3 && "|<>=".indexOf(descr.charAt(0)) >= 0) {
            String body = descr.substring(1);
            if (body.equals("u1")) {
                return DType.U1;
            }
            if (body.equals("b1")) {
                return DType.B1;
            }
        }
        if (descr.equals("u1")) {
            return DType.U1;
        }
        if (descr.equals("b1") || descr.equals("?") || descr.equals("|?")) {
            return DType.B1;
        }
        for (DType t : DType.values()) {
            if (t.descr.equals(descr)) {
                return t;
            }
        }
        return null;
    }

    private static int[] parseShape(String name, String inner, String header) {
        List<Integer> dims = new ArrayList<>();
        for (String part : inner.split(",")) {
            String p = part.trim();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            try {
                long v = Long.parseLong(p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new AnalysisException(name + ": dimension " + v + " out of range in header " + header);
                }
                dims.add((int) v);
            } catch (NumberFormatException e) {
                throw new AnalysisException(name + ": malformed shape in .npy header " + header);
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static NpyArray readData(FileChannel ch, long start, Header h, int count) throws IOException {
        DType t = h.dtype;
        Object data = switch (t) {
            case F4, F2 -> new float[count];
            case F8 -> new double[count];
            case I4 -> new int[count];
            case I8 -> new long[count];
            default -> new byte[count];
        };
        int per = CHUNK / t.itemSize;
        ByteBuffer buf = ByteBuffer.allocate(per * t.itemSize).order(ByteOrder.LITTLE_ENDIAN);
        long pos = start;
        for (int off = 0; off < count; off += per) {
            int cnt = Math.min(per, count - off);
            buf.clear().limit(cnt * t.itemSize);
            pos += readFully(ch, buf, pos);
            buf.flip();
            switch (t) {
                case F4 -> buf.asFloatBuffer().get((float[]) data, off, cnt);
                case F8 -> buf.asDoubleBuffer().get((double[]) data, off, cnt);
                case I4 -> buf.asIntBuffer().get((int[]) data, off, cnt);
                case I8 -> buf.asLongBuffer().get((long[]) data, off, cnt);
                case F2 -> {
                    float[] f = (float[]) data;
                    for (int i = 0; i < cnt; i++) {
                        f[off + i] = halfToFloat(buf.getShort(2 * i));
                    }
                }
                default -> buf.get((byte[]) data, off, cnt);
            }
        }
        return NpyArray.raw(t == DType.F2 ? DType.F4 : t, h.shape, data, count);
    }

    /** The IEEE 754 binary16 value {@code h} as a float (exact: every half is a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) { // zero or subnormal: mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    private static boolean hasMagic(ByteBuffer b) {
        if (b.limit() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, pos);
        return b;
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + total);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            total += r;
        }
        return total;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
