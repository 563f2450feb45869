"""The shapes that cross the product's edges: queue jobs, API request and response bodies.

Validated with pydantic; errors name the field.
"""
