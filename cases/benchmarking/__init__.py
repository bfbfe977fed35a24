"""The benchmarks behind the bench_* management commands (figures: docs/benchmarks.md)."""
