"""Benchmarks run by hand (`python -m bench.<name>`), not by pytest; see bench/README.md."""
