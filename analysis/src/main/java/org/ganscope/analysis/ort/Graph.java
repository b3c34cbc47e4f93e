package org.ganscope.analysis.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.ganscope.analysis.AnalysisException;

/**
 * One ONNX graph with float inputs (one, or for a layer tail f two: "r" and the latent
 * "z", see {@link #runTail}) and one or more float outputs, batch on axis 0. Inputs are fed zero-copy from direct buffers; outputs are written into
 * caller-owned direct buffers (pinned outputs), so a hot loop allocates nothing.
 */
public final class Graph implements AutoCloseable {
    private final String label;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;   // -1 for the batch axis
    private final String latentName;   // the second input "z" of a tail graph, or null
    private final long[] latentShape;
    private final List<String> outputNames = new ArrayList<>();
    private final List<long[]> outputShapes = new ArrayList<>();
    /** Whether {@link #runChunked} gives this graph's bits (null: not probed yet; {@link #runSubBatched}). */
    private Boolean chunksAlike;
    /** Runs hold the read lock, close the write lock: a graph is never freed under a running call. */
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    private boolean closed;

    public Graph(String label, Path file) {
        this(label, file, OrtRuntime.arenaFor(0));
    }

    /** As above, with or without ONNX Runtime's CPU arena ({@link OrtRuntime#arenaFor}). */
    public Graph(String label, Path file, boolean arena) {
        this.label = label;
        this.session = OrtRuntime.get().open(file, arena);
        try {
            Map<String, NodeInfo> in = session.getInputInfo();
            if (in.size() == 1) {
                NodeInfo ni = in.values().iterator().next();
                inputName = ni.getName();
                inputShape = floatShape(label, ni);
                latentName = null;
                latentShape = null;
            } else if (in.size() == 2 && in.containsKey("r") && in.containsKey("z")) {
                inputName = "r";
                inputShape = floatShape(label, in.get("r"));
                latentName = "z";
                latentShape = floatShape(label, in.get("z"));
            } else {
                throw new AnalysisException(label + ": expected one input (or two named r and z), found " + in.keySet());
            }
            for (NodeInfo o : session.getOutputInfo().values()) {
                outputNames.add(o.getName());
                outputShapes.add(floatShape(label, o));
            }
        } catch (OrtException e) {
            close();
            throw new AnalysisException(label + ": cannot read graph signature: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static long[] floatShape(String label, NodeInfo ni) {
        if (!(ni.getInfo() instanceof TensorInfo ti)) {
            throw new AnalysisException(label + ": '" + ni.getName() + "' is not a tensor");
        }
        if (ti.type != OnnxJavaType.FLOAT) {
            throw new AnalysisException(label + ": '" + ni.getName() + "' has type " + ti.type + ", expected float32");
        }
        return ti.getShape();
    }

    /** Input shape without the batch axis. */
    public long[] inputItemShape() {
        return Arrays.copyOfRange(inputShape, 1, inputShape.length);
    }

    /** Whether the graph also takes the latent z (a tail f of a generator such as StyleGAN2). */
    public boolean takesLatent() {
        return latentName != null;
    }

    /** Shape of the latent input z without the batch axis; null when the graph has none. */
    public long[] latentItemShape() {
        return latentShape == null ? null : Arrays.copyOfRange(latentShape, 1, latentShape.length);
    }

    /** Output shape without the batch axis (-1 where the graph leaves it symbolic). */
    public long[] outputItemShape(int output) {
        long[] s = outputShapes.get(output);
        return Arrays.copyOfRange(s, 1, s.length);
    }

    public int outputCount() {
        return outputNames.size();
    }

    /** The position of the output named {@code name}; an error naming the outputs the graph has when it has none such. */
    public int outputIndex(String name) {
        int i = outputNames.indexOf(name);
        if (i < 0) {
            throw new AnalysisException(label + ": no output '" + name + "' (outputs: " + outputNames + ")");
        }
        return i;
    }

    public String label() {
        return label;
    }

    public static FloatBuffer directFloats(long count) {
        if (count > Integer.MAX_VALUE / 4) {
            throw new AnalysisException("buffer of " + count + " floats is too large; use a smaller batch");
        }
        return ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Runs the graph on {@code batch} items from {@code input} (direct, position 0,
     * batch * item size floats) into {@code outputs} (direct, one per output, each
     * batch * output item size floats).
     */
    public void run(FloatBuffer input, int batch, FloatBuffer... outputs) {
        if (latentName != null) {
            throw new IllegalStateException(label + " also takes the latent z: use runTail");
        }
        run(input, null, inputShape, batch, outputs);
    }

    /**
     * As {@link #run(FloatBuffer, int, FloatBuffer...)}, in consecutive sub-batches of about
     * {@code chunk} rows (see {@link #chunks}): every sub-batch holds at least two rows unless
     * {@code batch} is 1, so a graph whose rows render to the same bits in any batch of two or
     * more (BatchInvarianceTest) gives the same bits as one run. Smaller batches keep a
     * 64x64 network's intermediate tensors in the core's cache: the demo segmenter runs about
     * 2.4x faster per image at 2-8 images than at 16 on this project's 2-core machines.
     * {@code chunk < 2} or {@code chunk >= batch}: one run.
     */
    public void runChunked(FloatBuffer input, int batch, int chunk, FloatBuffer... outputs) {
        if (latentName != null) {
            throw new IllegalStateException(label + " also takes the latent z: use runTail");
        }
        runChunked(input, null, batch, chunk, outputs);
    }

    /** {@link #runTail} in sub-batches as {@link #runChunked(FloatBuffer, int, int, FloatBuffer...)}. */
    public void runTailChunked(FloatBuffer r, FloatBuffer z, int batch, int chunk, FloatBuffer... outputs) {
        runChunked(r, latentName == null ? null : z, batch, chunk, outputs);
    }

    private void runChunked(FloatBuffer input, FloatBuffer latent, int batch, int chunk, FloatBuffer... outputs) {
        int[] sizes = chunks(batch, chunk);
        if (sizes.length == 1) {
            run(input, latent, inputShape, batch, outputs);
            return;
        }
        long inItem = itemSize(inputShape);
        long zItem = latentShape == null ? 0 : itemSize(latentShape);
        long[] outItem = new long[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            outItem[i] = itemSize(outputShapes.get(i));
        }
        int at = 0;
        for (int n : sizes) {
            FloatBuffer[] outs = new FloatBuffer[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                outs[i] = from(outputs[i], at * outItem[i]);
            }
            run(from(input, at * inItem), latent == null ? null : from(latent, at * zItem), inputShape, n, outs);
            at += n;
        }
    }

    /**
     * Rows per sub-batch of the segmenter and the feature network in the causal steps and the
     * sample metrics: {@code -Dganscope.sub-batch}, 4 unless set (results do not depend on it;
     * below 2: whole batches).
     */
    public static int defaultSubBatch() {
        return Integer.getInteger("ganscope.sub-batch", 4);
    }

    /**
     * {@link #runChunked} where it is known to give the same bits as one run on this graph, else
     * one run: the first call with at least 4 rows runs both ways on its own rows and compares
     * every output bit for bit (BatchInvarianceTest shows the demo bundles' segmenters and
     * feature networks agree); the answer is kept for the graph's life. Calls before that
     * probe run whole.
     */
    public void runSubBatched(FloatBuffer input, int batch, int chunk, FloatBuffer... outputs) {
        if (latentName != null) {
            throw new IllegalStateException(label + " also takes the latent z: use runTailSubBatched");
        }
        runSubBatched(input, null, batch, chunk, outputs);
    }

    /** {@link #runSubBatched(FloatBuffer, int, int, FloatBuffer...)} for a tail ({@link #runTail}). */
    public void runTailSubBatched(FloatBuffer r, FloatBuffer z, int batch, int chunk, FloatBuffer... outputs) {
        runSubBatched(r, latentName == null ? null : z, batch, chunk, outputs);
    }

    private void runSubBatched(FloatBuffer input, FloatBuffer latent, int batch, int chunk, FloatBuffer... outputs) {
        if (chunk >= 2 && batch > chunk && chunksAlike == null && batch >= 4) {
            chunksAlike = probeChunks(input, latent, batch, outputs);
        }
        if (Boolean.TRUE.equals(chunksAlike)) {
            runChunked(input, latent, batch, chunk, outputs);
        } else {
            run(input, latent, inputShape, batch, outputs);
        }
    }

    private boolean probeChunks(FloatBuffer input, FloatBuffer latent, int batch, FloatBuffer... outputs) {
        run(input, latent, inputShape, batch, outputs);
        float[][] whole = new float[outputs.length][];
        for (int i = 0; i < outputs.length; i++) {
            whole[i] = new float[(int) (batch * itemSize(outputShapes.get(i)))];
            outputs[i].duplicate().position(0).get(whole[i]);
        }
        runChunked(input, latent, batch, 2, outputs);
        for (int i = 0; i < outputs.length; i++) {
            FloatBuffer o = outputs[i];
            for (int q = 0; q < whole[i].length; q++) {
                if (Float.floatToRawIntBits(o.get(q)) != Float.floatToRawIntBits(whole[i][q])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Sub-batch sizes for {@code batch} rows at about {@code chunk} rows each: {@code batch / chunk}
     * (at least 1) sub-batches as even as possible, so each holds {@code chunk} to
     * {@code 2 chunk - 1} rows, and never 1 row unless {@code batch} is 1.
     */
    public static int[] chunks(int batch, int chunk) {
        if (chunk < 2 || chunk >= batch) {
            return new int[] {batch};
        }
        int k = batch / chunk;
        int[] sizes = new int[k];
        for (int i = 0; i < k; i++) {
            sizes[i] = batch / k + (i < batch % k ? 1 : 0);
        }
        return sizes;
    }

    private static long itemSize(long[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalStateException("symbolic axis " + i + " in " + Arrays.toString(shape));
            }
            n *= shape[i];
        }
        return n;
    }

    /** A zero-copy view of {@code buf} from float {@code offset} on. */
    private static FloatBuffer from(FloatBuffer buf, long offset) {
        return buf.duplicate().position((int) offset).slice();
    }

    /**
     * As {@link #run(FloatBuffer, int, FloatBuffer...)} for a graph whose input has symbolic
     * axes besides the batch (e.g. image height and width): {@code itemShape} is the input's
     * shape without the batch axis; it must agree with every axis the graph fixes.
     */
    public void runShaped(FloatBuffer input, long[] itemShape, int batch, FloatBuffer... outputs) {
        if (latentName != null) {
            throw new IllegalStateException(label + " also takes the latent z: use runTail");
        }
        if (itemShape.length != inputShape.length - 1) {
            throw new IllegalArgumentException(label + ": input has rank " + inputShape.length + ", item shape " + Arrays.toString(itemShape));
        }
        long[] shape = new long[inputShape.length];
        shape[0] = -1;
        for (int i = 0; i < itemShape.length; i++) {
            if (inputShape[i + 1] >= 0 && inputShape[i + 1] != itemShape[i]) {
                throw new IllegalArgumentException(label + ": takes items " + Arrays.toString(inputItemShape()) + ", got "
                        + Arrays.toString(itemShape));
            }
            shape[i + 1] = itemShape[i];
        }
        run(input, null, shape, batch, outputs);
    }

    /**
     * Runs a layer tail f on representations {@code r} of {@code batch} samples; feeds
     * their latents {@code z} (batch * zdim floats) when the graph takes z, else ignores it.
     */
    public void runTail(FloatBuffer r, FloatBuffer z, int batch, FloatBuffer... outputs) {
        run(r, latentName == null ? null : z, inputShape, batch, outputs);
    }

    private void run(FloatBuffer input, FloatBuffer latent, long[] inputShape, int batch, FloatBuffer... outputs) {
        if (outputs.length != outputNames.size()) {
            throw new IllegalArgumentException(label + ": " + outputNames.size() + " outputs, got " + outputs.length + " buffers");
        }
        var env = OrtRuntime.get().env();
        List<OnnxTensor> owned = new ArrayList<>(outputs.length + 1);
        use.readLock().lock();
        NativeGate.Pass pass = null; // released after the tensors are freed
        try {
            pass = NativeGate.enter(label);
            if (closed) {
                throw new IllegalStateException(label + " is closed");
            }
            long[] inShape = withBatch(inputShape, batch);
            OnnxTensor in = OnnxTensor.createTensor(env, view(input, inShape), inShape);
            owned.add(in);
            Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
            feeds.put(inputName, in);
            if (latentName != null) {
                if (latent == null) {
                    throw new IllegalArgumentException(label + " takes the latent z, none given");
                }
                long[] zShape = withBatch(latentShape, batch);
                OnnxTensor zt = OnnxTensor.createTensor(env, view(latent, zShape), zShape);
                owned.add(zt);
                feeds.put(latentName, zt);
            }
            Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
            for (int i = 0; i < outputs.length; i++) {
                long[] shape = withBatch(outputShapes.get(i), batch);
                for (long d : shape) {
                    if (d < 0) {
                        throw new AnalysisException(label + ": output '" + outputNames.get(i) + "' has a symbolic non-batch axis");
                    }
                }
                OnnxTensor t = OnnxTensor.createTensor(env, view(outputs[i], shape), shape);
                owned.add(t);
                pinned.put(outputNames.get(i), t);
            }
            try (OrtSession.Result ignored = session.run(feeds, pinned)) {
                // results live in the pinned buffers
            }
        } catch (OrtException e) {
            throw new AnalysisException(label + ": inference failed: " + OrtRuntime.firstLine(e.getMessage()), e);
        } finally {
            for (OnnxTensor t : owned) {
                t.close();
            }
            if (pass != null) {
                pass.close();
            }
            use.readLock().unlock();
        }
    }

    /** The first prod(shape) floats of {@code buf}, zero-copy. */
    private FloatBuffer view(FloatBuffer buf, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > buf.capacity()) {
            throw new IllegalArgumentException(label + ": buffer of " + buf.capacity() + " floats is smaller than " + n);
        }
        return buf.duplicate().position(0).limit((int) n).slice();
    }

    private static long[] withBatch(long[] shape, int batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }

    @Override
    public void close() {
        use.writeLock().lock();
        try (NativeGate.Pass pass = NativeGate.enter("closing " + label)) {
            if (session != null && !closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException ignored) {
            // closing a session cannot fail in a way the caller could act on
        } catch (NativeGate.ShuttingDown exiting) {
            closed = true; // the process ends: its memory goes with it
        } finally {
            use.writeLock().unlock();
        }
    }
}
