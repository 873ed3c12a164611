"""Benchmarks of Switchboard's runtime bridge: each prints ratios against same-run baselines."""
