package org.ganscope.analysis.optimize;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import org.ganscope.analysis.AnalysisException;
import org.ganscope.analysis.bundle.Bundle;
import org.ganscope.analysis.bundle.Manifest;
import org.ganscope.analysis.ort.NativeGate;

/**
 * A bundle's TorchScript of f_L followed by the segmenter (r -> (x, s(x))), loaded with
 * DJL's PyTorch engine (offline, CPU) so that gradients flow to an intervention on r.
 * The module's own weights are frozen.
 */
public final class TorchTail implements AutoCloseable {
    private final ZooModel<NDList, NDList> model;
    private final ParameterStore store;

    public TorchTail(Bundle b, String layerName) {
        Manifest.Layer layer = b.layer(layerName);
        if (layer.torchscript() == null) {
            throw new AnalysisException("bundle " + b.name() + " has no gradient graph (TorchScript) for " + layerName
                    + "; layers with one: " + b.manifest().layers().stream().filter(l -> l.torchscript() != null).map(Manifest.Layer::name).toList());
        }
        System.setProperty("ai.djl.offline", "true");
        // one torch thread: ONNX Runtime and the workers share the cores (more threads were slower on 2 cores)
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ganscope.torch.threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        try (NativeGate.Pass pass = NativeGate.enter("loading " + layer.torchscript())) {
            model = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(b.file(layer.torchscript()))
                    .optEngine("PyTorch")
                    .optDevice(Device.cpu())
                    .optOption("trainParam", "true") // else "Inference tensors cannot be saved for backward"
                    .build().loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new AnalysisException("cannot load " + layer.torchscript() + " with PyTorch: " + e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (p.getValue().getArray() != null) {
                p.getValue().getArray().setRequiresGradient(false);
            }
        }
        store = new ParameterStore(model.getNDManager(), false);
    }

    /** (x, probabilities); training = true records the graph for backward. */
    public NDList forward(NDList r, boolean training) {
        return model.getBlock().forward(store, r, training);
    }

    public NDManager manager() {
        return model.getNDManager();
    }

    @Override
    public void close() {
        try (NativeGate.Pass pass = NativeGate.enter("closing " + model.getName())) {
            model.close();
        } catch (NativeGate.ShuttingDown exiting) {
            // the process ends: its memory goes with it
        }
    }
}
