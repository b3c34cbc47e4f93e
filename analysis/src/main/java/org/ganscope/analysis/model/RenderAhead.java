package org.ganscope.analysis.model;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.ganscope.analysis.AnalysisException;

/**
 * Renders batches ahead on a thread of its own while the caller computes statistics on
 * earlier ones: one producer runs a {@link LayerModel} over a fixed plan of sample ranges, in
 * order, and copies each batch's activations and main label map into a slot; the caller
 * takes the batches in the same order ({@link #next}) and hands each back when done
 * ({@link #release}). The statistics therefore see exactly the batches, in exactly the order,
 * that rendering them on the caller's thread would give, so every result is bit-identical;
 * only the time changes (on a CPU, ONNX Runtime keeps about one core busy and the statistics
 * take the other).
 *
 * <p>Memory is bounded: at most {@code maxBytes} of slots (and never fewer than two, so
 * rendering and counting always overlap), independent of the number of samples. While the
 * plan runs, the model belongs to the producer: the caller may read only its immutable
 * properties (layer, classes, segmentation pixels).
 */
public final class RenderAhead implements AutoCloseable {
    /** Samples [start, end) of {@code seed}, in batches of at most {@code batch}. */
    public record Range(long seed, long start, long end) {
        public Range {
            if (end < start) {
                throw new IllegalArgumentException("range end " + end + " before start " + start);
            }
        }
    }

    /** One rendered batch: {@code count} samples from {@code start} of {@code seed}; activations [count][U][h][w], labels [count][R][R]. */
    public static final class Batch {
        private final float[] acts;
        private final int[] labels;
        private long seed;
        private long start;
        private int count;

        private Batch(int actFloats, int labelInts) {
            acts = new float[actFloats];
            labels = new int[labelInts];
        }

        public long seed() {
            return seed;
        }

        public long start() {
            return start;
        }

        public int count() {
            return count;
        }

        /** The batch's activations (valid until {@link RenderAhead#release}). */
        public float[] activations() {
            return acts;
        }

        /** The batch's main label maps (valid until {@link RenderAhead#release}). */
        public int[] labels() {
            return labels;
        }
    }

    /** Slot budget: system property {@code ganscope.render-ahead-mb} (MiB, default 4: on demo bundles two or three batches, enough to count each batch while the next renders; more buys nothing on 2 cores, where the IQR levels already take both, and costs peak memory on large layers); at least two slots whatever it says. */
    public static final long DEFAULT_BYTES = Long.getLong("ganscope.render-ahead-mb", 4) << 20;

    private final LayerModel model;
    private final List<Range> plan;
    private final int batch;
    private final int planeFloats;
    private final int segPixels;
    private final ArrayDeque<Batch> free = new ArrayDeque<>();
    private final ArrayDeque<Batch> full = new ArrayDeque<>();
    private final Thread producer;
    private final int slots;
    private int created;
    private Throwable failure;
    private boolean closed;
    private boolean done;

    private RenderAhead(LayerModel model, List<Range> plan, int batch, long maxBytes) {
        if (batch < 1 || batch > model.maxBatch()) {
            throw new IllegalArgumentException("batch of " + batch + " outside 1.." + model.maxBatch());
        }
        this.model = model;
        this.plan = List.copyOf(plan);
        this.batch = batch;
        this.planeFloats = model.layer().units() * model.layer().pixels();
        this.segPixels = model.segPixels();
        long slotBytes = (long) batch * ((long) planeFloats * Float.BYTES + (long) segPixels * Integer.BYTES);
        this.slots = (int) Math.max(2, Math.min(1024, maxBytes / Math.max(1, slotBytes)));
        this.producer = new Thread(this::produce, "ganscope-render-ahead");
        producer.setDaemon(true);
    }

    /** Starts rendering {@code plan} with {@code model} in batches of {@code batch}, keeping at most {@code maxBytes} of batches ahead. */
    public static RenderAhead start(LayerModel model, List<Range> plan, int batch, long maxBytes) {
        RenderAhead r = new RenderAhead(model, plan, batch, maxBytes);
        r.producer.start();
        return r;
    }

    /** As above with the {@link #DEFAULT_BYTES} budget. */
    public static RenderAhead start(LayerModel model, List<Range> plan, int batch) {
        return start(model, plan, batch, DEFAULT_BYTES);
    }

    /** The number of slots (batches that may be rendered and not yet released). */
    public int slots() {
        return slots;
    }

    public LayerModel model() {
        return model;
    }

    private void produce() {
        try {
            for (Range r : plan) {
                for (long s = r.start(); s < r.end(); s += batch) {
                    int b = (int) Math.min(batch, r.end() - s);
                    Batch slot = takeFree();
                    if (slot == null) {
                        return; // closed
                    }
                    model.generate(r.seed(), s, b);
                    System.arraycopy(model.activations(), 0, slot.acts, 0, b * planeFloats);
                    System.arraycopy(model.labels(), 0, slot.labels, 0, b * segPixels);
                    slot.seed = r.seed();
                    slot.start = s;
                    slot.count = b;
                    synchronized (this) {
                        full.addLast(slot);
                        notifyAll();
                    }
                }
            }
        } catch (Throwable t) {
            synchronized (this) {
                failure = t;
                notifyAll();
            }
            return;
        }
        synchronized (this) {
            done = true;
            notifyAll();
        }
    }

    private synchronized Batch takeFree() throws InterruptedException {
        while (!closed && free.isEmpty() && created >= slots) {
            wait();
        }
        if (closed) {
            return null;
        }
        if (!free.isEmpty()) {
            return free.removeFirst();
        }
        created++;
        return new Batch(batch * planeFloats, batch * segPixels);
    }

    /**
     * The next batch of the plan, in order, waiting for it if need be. Throws what rendering
     * threw (an {@link AnalysisException} or runtime exception as it was), and
     * {@link IllegalStateException} past the end of the plan.
     */
    public synchronized Batch next() {
        while (full.isEmpty() && failure == null && !done) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AnalysisException("interrupted while waiting for a rendered batch", e);
            }
        }
        if (!full.isEmpty()) {
            return full.removeFirst();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new AnalysisException("rendering failed: " + failure, failure);
        }
        throw new IllegalStateException("no batches left in the plan");
    }

    /**
     * As {@link #next()}, for a caller that expects the batch starting at sample {@code start} of
     * {@code seed} and ending at or before {@code end}: throws {@link IllegalStateException} when the
     * plan is out of step with it.
     */
    public Batch next(long seed, long start, long end) {
        Batch b = next();
        if (b.seed != seed || b.start != start || b.count > end - start) {
            throw new IllegalStateException("render plan out of step: expected samples from " + start + " of seed " + seed
                    + " (before " + end + "), got " + b.count + " from " + b.start + " of seed " + b.seed);
        }
        return b;
    }

    /** Hands a batch's slot back for rendering. */
    public synchronized void release(Batch b) {
        free.addLast(Objects.requireNonNull(b));
        notifyAll();
    }

    /** Stops rendering (the batch in flight finishes) and waits for the producer; the model is the caller's again afterwards. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (producer.isAlive()) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
