"""Benchmarks: a synthetic data generator and a wrk load harness against the ceiling and Datasette."""
