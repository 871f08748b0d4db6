"""Benchmarks: `python -m bench` (or `make bench`) runs every bench_*.py and records results."""
