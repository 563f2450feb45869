"""CareRoute on one laptop: template.yaml's tables and queues in moto, and an event pump.

- `careroute_local.template`: template.yaml as dataclasses (the single source of wiring).
- `careroute_local.stack.LocalStack`: a moto server process with those tables and queues.
- `careroute_local.pump.EventPump`: schedules, SQS, streams and HTTP to the real handlers.
"""
