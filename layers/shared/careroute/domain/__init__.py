"""The vocabulary and pure rules of each area (visits, tiers, tickets, coverage, inspections,
orders, incidents, meals, assessments, the service circle).

Pure Python: no AWS, no storage, no handler set-up (import contracts in pyproject.toml keep it
so).
"""
