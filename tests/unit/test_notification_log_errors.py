"""The DynamoDB notification log talks to its table through boto3: a refused or unreachable
table is the domain's StorageError naming what was being done, as for every other table."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from careroute.adapters.dynamodb.notifications import DynamoNotificationLog
from careroute.domain.errors import StorageError


class _Refusing:
    """A boto3 DynamoDB client whose every call fails with `error`."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_item(self, **_call: Any) -> dict[str, Any]:
        raise self.error


THROTTLED = ClientError(
    {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
    "GetItem",
)


@pytest.mark.parametrize(
    "error", [THROTTLED, EndpointConnectionError(endpoint_url="http://dynamodb")]
)
def test_a_notice_read_from_a_failing_table_is_a_storage_error_naming_the_read(
    error: Exception,
) -> None:
    """Given a table that refuses the call or cannot be reached, When a notice is read,
    Then StorageError says a notice was being read, caused by the SDK's error."""
    log = DynamoNotificationLog("notifications", client=_Refusing(error))
    with pytest.raises(StorageError, match="while trying to read a notice") as raised:
        log.find("n-1")
    assert raised.value.__cause__ is error
