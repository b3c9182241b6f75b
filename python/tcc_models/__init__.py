"""PyTorch definitions of tcc's reference training workloads (see reference.py)."""
