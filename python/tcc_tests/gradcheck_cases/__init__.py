"""Gradient-check cases, one module per op family; the format is documented in
tcc_tests/gradcheck.py (each module defines CASES, a list of dicts)."""
