"""moto's DynamoDB Query on a city-sized table, without and with the local stack's patches.

Loads 1,153 partitions x 120 items (like the elders table) into an in-process moto, then
times a partition Query and the first Scan page, first as moto ships, then with
careroute_local.moto_patches applied, and prints both side by side.

    .venv/bin/python benchmarks/moto_query.py
"""

from __future__ import annotations

import os
import time
from typing import Any

import boto3
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends

from careroute_local import moto_patches

COMMUNITIES, ELDERS = 1_153, 120


def measure() -> dict[str, float]:
    with mock_aws():
        client: Any = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="elders",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "community_id", "AttributeType": "S"},
                {"AttributeName": "elder_id", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "community_id", "KeyType": "HASH"},
                {"AttributeName": "elder_id", "KeyType": "RANGE"},
            ],
        )
        table = dynamodb_backends["123456789012"]["us-east-1"].tables["elders"]
        for c in range(COMMUNITIES):
            for e in range(ELDERS):
                table.put_item(
                    {
                        "community_id": {"S": f"C{c:04d}"},
                        "elder_id": {"S": f"E{c * ELDERS + e:06d}"},
                        "lat": {"N": "41.8"},
                        "lng": {"N": "123.4"},
                        "categories": {"L": [{"S": "living_alone"}]},
                        "window_start": {"N": "30600"},
                    }
                )
        started = time.perf_counter()
        for c in range(10):
            response = client.query(
                TableName="elders",
                KeyConditionExpression="community_id = :c",
                ExpressionAttributeValues={":c": {"S": f"C{c:04d}"}},
            )
            assert response["Count"] == ELDERS
        query_ms = (time.perf_counter() - started) / 10 * 1000
        started = time.perf_counter()
        client.scan(TableName="elders")
        scan_s = time.perf_counter() - started
    return {"query_ms": query_ms, "first_scan_page_s": scan_s}


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    before = measure()
    moto_patches.apply()
    after = measure()
    print(f"{COMMUNITIES * ELDERS:,} items in {COMMUNITIES:,} partitions")
    print(f"{'figure':<20}{'moto as shipped':>18}{'patched':>12}{'ratio':>10}")
    for key in before:
        ratio = before[key] / after[key]
        print(f"{key:<20}{before[key]:>18.3f}{after[key]:>12.3f}{ratio:>9.1f}x")


if __name__ == "__main__":
    main()
