"""Python bindings of tcc's runtime (ctypes; no build step needed)."""

from .trainer import NonFiniteLoss, Trainer, TrainerError, run_main

__all__ = ["Trainer", "TrainerError", "NonFiniteLoss", "run_main"]
