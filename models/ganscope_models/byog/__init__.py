"""Bring your own GAN: export any PyTorch generator (and a user's ONNX segmenter) as a
ganscope model bundle. See exporter.export_bundle, the command line
``python3 -m ganscope_models.byog.export`` and models/README.md "Bring your own GAN"."""
