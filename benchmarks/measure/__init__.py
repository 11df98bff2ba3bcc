"""What benchmarks/run.py measures, one module per kind of figure, plus their shared helpers."""
