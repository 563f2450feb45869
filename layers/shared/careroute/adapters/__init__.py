"""Adapters: the implementations of the service layer's ports (`careroute.service_layer.ports`).

`dynamodb` wraps the pynamodb tables of `careroute.adapters.dynamodb`; `memory` keeps everything in
dicts with the same behaviour, proven by the contract suite in `tests/contract/`; `cached`
adds short-lived read caches in front of either.
"""
