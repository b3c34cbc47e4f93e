package org.ganscope.analysis.io;

import java.util.Arrays;
import java.util.Objects;
import org.ganscope.analysis.AnalysisException;

/**
 * An n-dimensional array in C (row-major) order as stored in a NumPy {@code .npy} file:
 * a dtype, a shape and one flat Java array holding the elements. Read and written by
 * {@link Npy}. The backing array is shared, not copied.
 */
public final class NpyArray {

    /** The element types supported (little-endian where it matters). */
    public enum DType {
        F4("<f4", 4), F8("<f8", 8), I4("<i4", 4), I8("<i8", 8), U1("|u1", 1), B1("|b1", 1),
        /** Half precision: read only, widened (exactly) to {@link #F4} on read, so no array holds it. */
        F2("<f2", 2);

        /** The NumPy descr string written to headers. */
        public final String descr;
        /** Bytes per element. */
        public final int itemSize;

        DType(String descr, int itemSize) {
            this.descr = descr;
            this.itemSize = itemSize;
        }

        public boolean isInteger() {
            return this == I4 || this == I8 || this == U1 || this == B1;
        }

        public boolean isFloat() {
            return this == F4 || this == F8;
        }
    }

    /** Largest element count a Java array can hold safely. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final DType dtype;
    private final int[] shape;
    private final Object data;

    private NpyArray(DType dtype, int[] shape, Object data, int length) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
        long n = elementCount(this.shape);
        if (n != length) {
            throw new IllegalArgumentException("shape " + shapeString(this.shape) + " holds " + n
                    + " elements but the data has " + length);
        }
    }

    public static NpyArray ofFloats(float[] data, int... shape) {
        return new NpyArray(DType.F4, shape, Objects.requireNonNull(data), data.length);
    }

    public static NpyArray ofDoubles(double[] data, int... shape) {
        return new NpyArray(DType.F8, shape, Objects.requireNonNull(data), data.length);
    }

    public static NpyArray ofInts(int[] data, int... shape) {
        return new NpyArray(DType.I4, shape, Objects.requireNonNull(data), data.length);
    }

    public static NpyArray ofLongs(long[] data, int... shape) {
        return new NpyArray(DType.I8, shape, Objects.requireNonNull(data), data.length);
    }

    /** Unsigned bytes ({@code |u1}); values are read as {@code b & 0xff}. */
    public static NpyArray ofUnsignedBytes(byte[] data, int... shape) {
        return new NpyArray(DType.U1, shape, Objects.requireNonNull(data), data.length);
    }

    /** Booleans ({@code |b1}), stored as bytes 0/1. */
    public static NpyArray ofBooleans(boolean[] values, int... shape) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) (values[i] ? 1 : 0);
        }
        return new NpyArray(DType.B1, shape, b, b.length);
    }

    static NpyArray raw(DType dtype, int[] shape, Object data, int length) {
        return new NpyArray(dtype, shape, data, length);
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return (int) elementCount(shape);
    }

    /** The backing array of an {@code <f4} array. */
    public float[] floatData() {
        return (float[]) backing(DType.F4);
    }

    /** The backing array of an {@code <f8} array. */
    public double[] doubleData() {
        return (double[]) backing(DType.F8);
    }

    /** The backing array of an {@code <i4} array. */
    public int[] intData() {
        return (int[]) backing(DType.I4);
    }

    /** The backing array of an {@code <i8} array. */
    public long[] longData() {
        return (long[]) backing(DType.I8);
    }

    /** The backing array of a {@code |u1} or {@code |b1} array. */
    public byte[] byteData() {
        if (dtype != DType.U1 && dtype != DType.B1) {
            throw new IllegalStateException("array is " + dtype.descr + ", not |u1 or |b1");
        }
        return (byte[]) data;
    }

    private Object backing(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("array is " + dtype.descr + ", not " + expected.descr);
        }
        return data;
    }

    /** All elements converted to double (exact for every dtype except large {@code <i8}). */
    public double[] toDoubles() {
        int n = size();
        double[] out = new double[n];
        switch (dtype) {
            case F4 -> {
                float[] a = (float[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
            }
            case F8 -> System.arraycopy((double[]) data, 0, out, 0, n);
            case I4 -> {
                int[] a = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
            }
            case I8 -> {
                long[] a = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
            }
            default -> {
                byte[] a = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xff;
                }
            }
        }
        return out;
    }

    /**
     * All elements of an integer or boolean array as int. An {@code <i8} value outside the
     * int range is an {@link AnalysisException}; float arrays are refused.
     *
     * @param what names the array in error messages (e.g. the file)
     */
    public int[] toInts(String what) {
        int n = size();
        switch (dtype) {
            case I4:
                return ((int[]) data).clone();
            case I8: {
                long[] a = (long[]) data;
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
                        throw new AnalysisException(what + ": value " + a[i] + " at flat index " + i
                                + " does not fit in a 32-bit integer");
                    }
                    out[i] = (int) a[i];
                }
                return out;
            }
            case U1:
            case B1: {
                byte[] a = (byte[]) data;
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xff;
                }
                return out;
            }
            default:
                throw new AnalysisException(what + ": expected an integer array, found dtype " + dtype.descr
                        + " with shape " + shapeString(shape));
        }
    }

    /** e.g. {@code "<f4 (100, 16, 8, 8)"}. */
    public String describe() {
        return dtype.descr + " " + shapeString(shape);
    }

    @Override
    public String toString() {
        return "NpyArray[" + describe() + "]";
    }

    /** Python-style shape text: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        return b.append(')').toString();
    }

    static long elementCount(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            if (d == 0) {
                return 0;
            }
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > MAX_ELEMENTS) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }
}
