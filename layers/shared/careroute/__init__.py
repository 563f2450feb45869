"""CareRoute shared code: domain, policy, planning, routing and storage.

Shipped to Lambda as a layer; installed locally from pyproject.toml.
Domain, policy, planning and routing import nothing from AWS.
"""
