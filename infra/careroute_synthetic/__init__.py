"""Deterministic synthetic data: a city, its inspections, canteens and lunch orders, service
facilities, home devices and home-service market.

Only the local stack, tests and benchmarks import it; the deployed layer never does (an import
contract in pyproject.toml keeps it so).
"""
