"""Benchmarks and data generators, with their recorded results in bench/RESULTS.md."""
