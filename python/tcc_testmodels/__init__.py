"""Small ONNX models built with onnx.helper for tcc's lit tests.

Each *_models.py module has one function per model and a `main(argv)` that
takes [model_name, out_path]; lit tests call them so no binary model is
committed.
"""
