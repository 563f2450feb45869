"""The local moto server keeps a connection open between requests (careroute_local.keep_alive):
requests with bodies follow one another on one connection, each answered as alone; a chunked
request body is still drained and its connection closed."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlparse

from careroute_local.stack import LocalStack

HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/dynamodb/aws4_request",
}


def _connection(stack: LocalStack) -> http.client.HTTPConnection:
    url = urlparse(stack.endpoint_url)
    return http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)


def _dynamodb(
    connection: http.client.HTTPConnection, operation: str, body: dict[str, object]
) -> tuple[http.client.HTTPResponse, dict[str, object]]:
    headers = {**HEADERS, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    connection.request("POST", "/", body=json.dumps(body).encode(), headers=headers)
    response = connection.getresponse()
    return response, json.loads(response.read())


def test_requests_with_bodies_follow_one_another_on_one_connection(
    empty_careroute: LocalStack,
) -> None:
    table = empty_careroute.table_name("CommunitiesTable")
    connection = _connection(empty_careroute)
    item = {"community_id": {"S": "C-keep"}, "name": {"S": "kept"}}

    put, _ = _dynamodb(connection, "PutItem", {"TableName": table, "Item": item})
    socket_used = connection.sock
    got, answer = _dynamodb(
        connection, "GetItem", {"TableName": table, "Key": {"community_id": {"S": "C-keep"}}}
    )
    listed, tables = _dynamodb(connection, "ListTables", {})

    assert put.status == got.status == listed.status == 200
    assert answer == {"Item": item}
    assert table in tables["TableNames"]  # type: ignore[operator]
    assert put.getheader("Connection") is None and got.getheader("Connection") is None
    assert socket_used is not None and connection.sock is socket_used
    connection.close()


def test_a_chunked_request_body_is_drained_and_its_connection_closed(
    empty_careroute: LocalStack,
) -> None:
    connection = _connection(empty_careroute)
    headers = {**HEADERS, "X-Amz-Target": "DynamoDB_20120810.ListTables"}
    connection.request("POST", "/", body=iter([b"{", b"}"]), headers=headers)
    response = connection.getresponse()
    tables = json.loads(response.read())

    assert response.status == 200
    assert empty_careroute.table_name("CommunitiesTable") in tables["TableNames"]
    assert response.getheader("Connection") == "close"
    connection.close()
