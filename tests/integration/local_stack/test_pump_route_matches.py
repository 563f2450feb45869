"""The pump's API Gateway keeps each request's route (method and path): asked again, a path
goes to the same route with its own copy of the path parameters."""

from __future__ import annotations

from careroute_local.pump import EventPump


def test_a_kept_route_gives_each_request_its_own_path_parameters(pump: EventPump) -> None:
    """Given a path matched once and its parameters changed by whoever got them, when the same
    path comes again, then it has the same route and the parameters of its own path."""
    kept = pump._match("DELETE", "/files/a/b/c.txt")
    assert kept is not None
    kept[1]["path"] = "changed"

    again = pump.invoke_http("DELETE", "/files/a/b/c.txt").json()["event"]

    assert again["routeKey"] == "ANY /files/{path+}"
    assert again["pathParameters"] == {"path": "a/b/c.txt"}
    assert pump._match("DELETE", "/files/a/b/c.txt") == (kept[0], {"path": "a/b/c.txt"})
    assert pump.invoke_http("GET", "/nope").status == 404  # a miss is kept as a miss
    assert pump.invoke_http("GET", "/nope").status == 404
