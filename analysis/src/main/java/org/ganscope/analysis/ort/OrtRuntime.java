package org.ganscope.analysis.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import org.ganscope.analysis.AnalysisException;

/**
 * The one ONNX Runtime environment of the process, with a global intra-op thread pool
 * shared by every session (per-session pools halved throughput on 2 cores).
 *
 * <p>The execution provider is chosen once at start: CUDA when the GPU build of ONNX
 * Runtime is on the class path and a device is present (device id from the system
 * property {@code ganscope.cuda.device} or the environment variable
 * {@code GANSCOPE_CUDA_DEVICE}, default 0; {@code ganscope.device=cpu} forces the CPU),
 * else the CPU provider. {@link #describe()} reports the choice.
 */
public final class OrtRuntime {
    private static volatile OrtRuntime instance;
    /**
     * ONNX Runtime's CPU arena allocator, system property {@code ganscope.ort.arena}: {@code auto}
     * (default, see {@link #arenaFor}), {@code true} or {@code false}.
     */
    static final String ARENA = System.getProperty("ganscope.ort.arena", "auto");
    /** Batch image size (bytes) from which {@code auto} runs without the arena. */
    public static final long ARENA_MAX_BATCH_IMAGE_BYTES = 4L << 20;
    /**
     * ONNX Runtime's memory-pattern planning (one block per run for the planned tensors), system
     * property {@code ganscope.ort.memory-pattern}: {@code auto} (default: with the arena only),
     * {@code true} or {@code false}. Without the arena the block is a fresh allocation per run
     * anyway (ProGAN-256 batch 8, tiny IQR run: 677 vs 661 MiB peak RSS with and without it).
     */
    static final String MEMORY_PATTERN = System.getProperty("ganscope.ort.memory-pattern", "auto");

    private final OrtEnvironment env;
    private final boolean cuda;
    private final int cudaDevice;
    private final int threads;
    private final String cpuReason;
    private final boolean pinned;

    private OrtRuntime() {
        threads = Integer.getInteger("ganscope.threads", Runtime.getRuntime().availableProcessors());
        try {
            OrtEnvironment.ThreadingOptions topts = new OrtEnvironment.ThreadingOptions();
            topts.setGlobalIntraOpNumThreads(threads);
            topts.setGlobalInterOpNumThreads(1);
            topts.setGlobalSpinControl(false);
            env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "ganscope", topts);
        } catch (OrtException e) {
            throw new AnalysisException("cannot start ONNX Runtime: " + e.getMessage(), e);
        }
        pinned = pin(env);
        String forced = System.getProperty("ganscope.device", System.getenv().getOrDefault("GANSCOPE_DEVICE", "auto"));
        cudaDevice = Integer.parseInt(System.getProperty("ganscope.cuda.device",
                System.getenv().getOrDefault("GANSCOPE_CUDA_DEVICE", "0")));
        String why = null;
        if (forced.equals("cpu")) {
            why = "the CPU was chosen (GANSCOPE_DEVICE=cpu)";
        } else if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            why = "this build of ONNX Runtime has no CUDA provider (build with the Maven profile gpu)";
        } else {
            why = cudaFailure();
        }
        cuda = why == null;
        cpuReason = why;
        System.Logger log = System.getLogger(OrtRuntime.class.getName());
        if (cuda) {
            log.log(System.Logger.Level.INFO, "ONNX Runtime: CUDA execution provider on device " + cudaDevice);
        } else if (forced.equals("cuda")) {
            log.log(System.Logger.Level.WARNING, "GANSCOPE_DEVICE=cuda but running on the CPU: " + why);
        } else {
            log.log(System.Logger.Level.INFO, "ONNX Runtime: CPU execution provider (" + why + ")");
        }
    }

    /**
     * Takes a second reference on the native environment, never released. ONNX Runtime's Java
     * binding releases the environment in a shutdown hook of its own, which runs at the same
     * time as every other hook, so a session still running on a worker thread had its thread
     * pools torn down under it (SIGSEGV in libonnxruntime at JVM exit, seen in CI). The native
     * environment is reference-counted: with this reference the binding's release leaves it
     * alive, and {@link NativeGate}'s hook lets the calls in flight finish before the process
     * ends. Reflection on the binding's own package (class path, not the JDK): if it fails the
     * process runs as before and says so once.
     */
    private static boolean pin(OrtEnvironment env) {
        if (Boolean.getBoolean("ganscope.ort.no-pin")) { // diagnostics: shows the crash the pin prevents
            return false;
        }
        try {
            java.lang.reflect.Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
            api.setAccessible(true);
            java.lang.reflect.Method create = OrtEnvironment.class.getDeclaredMethod("createHandle", long.class, int.class, String.class);
            create.setAccessible(true);
            java.lang.reflect.Field handle = OrtEnvironment.class.getDeclaredField("nativeHandle");
            handle.setAccessible(true);
            long second = (long) create.invoke(null, api.getLong(null), OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR.getValue(), "ganscope");
            return second == handle.getLong(env);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.getLogger(OrtRuntime.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot pin the ONNX Runtime environment (" + e + "): a JVM that exits during inference may crash");
            return false;
        }
    }

    /** Whether the native environment holds the extra reference that outlives the binding's shutdown hook. */
    public boolean pinned() {
        return pinned;
    }

    /** Why the CPU is used instead of CUDA, or null when CUDA is used. */
    public String cpuReason() {
        return cpuReason;
    }

    public static OrtRuntime get() {
        OrtRuntime r = instance;
        if (r == null) {
            synchronized (OrtRuntime.class) {
                if (instance == null) {
                    instance = new OrtRuntime();
                }
                r = instance;
            }
        }
        return r;
    }

    /** Null if the CUDA provider accepts the device, else the reason it does not. */
    private String cudaFailure() {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.addCUDA(cudaDevice);
            return null;
        } catch (OrtException | RuntimeException e) {
            return "the CUDA provider cannot use device " + cudaDevice + ": " + firstLine(e.getMessage());
        }
    }

    public OrtEnvironment env() {
        return env;
    }

    public boolean usesCuda() {
        return cuda;
    }

    /**
     * Whether sessions rendering {@code batchImageBytes} of images per run use ONNX Runtime's CPU
     * arena. The arena keeps the largest set of intermediate tensors a run ever needed and grows
     * in powers of two; for a large generator that is hundreds of MB held for the whole process
     * (ProGAN-256 at batch 8: 1,034 MB peak RSS with it, 611 MB without, measured on a tiny
     * dissection). Without it the big tensors are allocated per run (mmap, returned at once),
     * which costs little next to such a run; small generators keep the arena (cheaper small
     * allocations). {@code -Dganscope.ort.arena=true|false} overrides.
     */
    public static boolean arenaFor(long batchImageBytes) {
        return switch (ARENA) {
            case "true" -> true;
            case "false" -> false;
            default -> batchImageBytes < ARENA_MAX_BATCH_IMAGE_BYTES;
        };
    }

    /** Opens a session on the shared environment and thread pool with the chosen provider (CPU arena on). */
    public OrtSession open(Path onnxFile) {
        return open(onnxFile, arenaFor(0));
    }

    /** As {@link #open(Path)}, with or without ONNX Runtime's CPU arena allocator ({@link #arenaFor}). */
    public OrtSession open(Path onnxFile, boolean arena) {
        try (NativeGate.Pass pass = NativeGate.enter("loading " + onnxFile.getFileName())) {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.disablePerSessionThreads();
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            o.setCPUArenaAllocator(arena);
            o.setMemoryPatternOptimization(MEMORY_PATTERN.equals("auto") ? arena : Boolean.parseBoolean(MEMORY_PATTERN));
            if (cuda) {
                o.addCUDA(cudaDevice);
            }
            return env.createSession(onnxFile.toString(), o);
        } catch (OrtException e) {
            throw new AnalysisException(onnxFile.getFileName() + " is not a loadable ONNX graph: " + firstLine(e.getMessage()), e);
        }
    }

    /** e.g. "ONNX Runtime 1.21.1, CPU provider, 2 threads". */
    public String describe() {
        return "ONNX Runtime " + env.getVersion() + ", " + (cuda ? "CUDA provider (device " + cudaDevice + ")" : "CPU provider (" + cpuReason + ")")
                + ", " + threads + " threads";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
