"""Synthetic data for demonstrations and benchmarks."""
