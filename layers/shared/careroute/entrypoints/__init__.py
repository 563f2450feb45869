"""What every Lambda handler and HTTP API function sets up: settings, observability, error mapping,
routes.

Handlers stay thin: parse, bootstrap, call one use case, shape the reply.
"""
