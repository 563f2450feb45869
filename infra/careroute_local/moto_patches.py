"""Make moto's DynamoDB reads fast enough for a whole city, without changing their answers.

1. moto 5.2 answers a Query by listing and sorting every item of the table, then filtering by
   partition key: 0.53 s per query on a 140,000-item table (benchmarks/moto_query.py), so
   planning 1,153 communities would take ten minutes. `Table.query` now sees only the queried
   partition: same items, same order. An index query sees only the items with the queried
   index key (in the table's order; moto still checks, sorts and pages them): a Query of the
   stewards' community index sorted all 1,153 stewards, 3.8 ms more than a GetItem, once
   per plan job.
2. moto serialises every read response by walking the botocore output shape, ~30 ms for 120
   items. For Query, Scan, GetItem and BatchGetItem the result is already the JSON wire
   format, so it is dumped directly (a differential check over every attribute type found
   no difference; anything json cannot dump falls back to moto's serialiser).

3. moto keeps every DynamoDB stream shard iterator it ever hands out (~2 KB each; a stream
   poll every 0.5 s adds 170-350 MB a day). AWS expires iterators after 15 minutes; here
   only the newest MAX_SHARD_ITERATORS are kept.

4. moto's TransactWriteItems deep-copies every table it touches, once per item, to roll back
   on failure: a 10-item counter transaction on a growing table copies it 10 times (seconds
   per visit and gigabytes of garbage over a simulated month). Here only the items the
   transaction names are saved (and the stream's length); on failure exactly those are put
   back and the stream records of the failed attempt dropped, which is what moto's own
   rollback restores, item for item.

5. moto checks an item's 400 KB limit as each attribute is added, re-measuring every attribute
   each time (quadratic: 1.7 ms per 13-attribute elder; replaying a city's journal took
   minutes). A new Item is now measured once; the sizes are cumulative, so the final total
   exceeds the limit exactly when one of the partial sums did: same items, same error.

6. The moto server answers requests on several threads, and a TransactWriteItems checks its
   conditions and then writes with nothing in between held: two concurrent transactions
   could both pass a condition the other's write fails (two free orders both under the
   quota). DynamoDB isolates transactions (serializable); here they run one at a time.

7. The same holds for a single conditional PutItem, UpdateItem or DeleteItem: moto checks the
   condition and writes with nothing held, so of eight concurrent claims of one notice two
   could both find it unclaimed. DynamoDB makes each write atomic; here every write runs one
   at a time, with the transactions (one re-entrant lock).

8. moto's SQS reads the clock (a datetime built twice over) once per message every time it
   looks at a queue: to list the visible messages, and three more times over every message
   to count them for the queue's attributes, which it builds whole once per message sent and
   three times per message received (to read the retention period). Planning the city's 1,153
   jobs took millions of clock readings, growing with the square of the queue. Here each look
   at a queue reads the clock once, and a receive reads the retention period directly: the
   same messages in the same order, the same counts.

9. A DynamoDB Query answer is deep-copied item by item (for the projections, which build new
   items anyway) and then turned into the wire format by a walk that asks every value which
   of six kinds it is. Here a base-table Query without a projection answers from the stored
   items (only read), and the walk goes straight through the attribute types: the same JSON.
   Each item's size (for the 1 MB page) is measured twice per Query, again asking every
   value its kind: text and number values are measured directly (the same bytes).

10. Every request pays for moto finding its way: the list of moto's service folders read from
    disk (a directory listing and a stat per service), the methods of the response class
    listed through `inspect`, and werkzeug's access log line (which goes nowhere here). The
    folders and the methods are found once; the access log is not written.

11. moto parses a write's condition expression twice per request, in Python (to validate the
    request, then to apply it): 0.28 ms for a visit's check of its elder, ~1 ms for a claimed
    tier's. A parse is kept per expression, names and value types, and each use takes a copy
    with its own values (moto_condition_parses).

12. moto walks every DynamoDB request's JSON through botocore's shapes to parse it; an item
    request without binary values is taken as decoded instead (moto_request_parse).

13. Every answer's body is searched with a regular expression for an XML `<RequestId>` to
    replace (~0.8 ms for a community's elders, twice a community a night); a JSON answer
    has none. It is searched only when it holds the tag: the same bodies. And a Query
    measures each item twice (the 1 MB page check, then the page's running size): each
    item is measured once per Query now.

Applied inside the local moto server process only (see moto_server.py); handlers and the
cloud are untouched.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections.abc import Callable
from typing import Any, cast

import moto.backends as moto_backends
import moto.core.responses as core_responses
import moto.dynamodb.models as dynamodb_models
import moto.dynamodb.models.table as dynamodb_table
import moto.dynamodb.responses as dynamodb_responses
from moto.core.utils import unix_time, unix_time_millis
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize, dynamo_to_dict, number_size
from moto.dynamodb.responses import DynamoResult
from moto.dynamodbstreams.models import DynamoDBStreamsBackend
from moto.sqs.models import Message, Queue, SQSBackend
from moto.utilities.aws_headers import gen_amzn_requestid_long
from werkzeug.serving import WSGIRequestHandler

from careroute_local import moto_condition_parses, moto_request_parse

_partition = threading.local()
_applied = False


def _all_items(self: Table) -> list[Any]:
    index_keys = getattr(_partition, "index_keys", None)
    if index_keys is not None and index_keys[0] is self:
        return _items_with(self, index_keys[1])
    hint = getattr(_partition, "key", None)
    if hint is None or hint[0] is not self:
        return _original_all_items(self)
    bucket = self.items.get(hint[1])
    if bucket is None:
        return []
    if not self.range_key_attr:
        return [bucket]
    return sorted(bucket.values(), key=lambda item: item.range_key)


def _equal(stored: DynamoType | None, wanted: DynamoType) -> bool:
    """`stored == wanted` as moto compares them, text compared as text (moto casts every
    value first, which is most of a query's time on a table of a thousand items)."""
    if stored is None:
        return False
    if wanted.type == "S":
        return stored.type == "S" and bool(stored.value == wanted.value)
    return bool(stored == wanted)


def _items_with(table: Table, keys: list[tuple[str, DynamoType]]) -> list[Item]:
    """The table's items whose attributes equal `keys` (an index query's hash key), in the
    order `Table.all_items` gives them (sorted by the table's keys)."""
    stored: list[Item] = []
    for bucket in table.items.values():
        stored.extend(bucket.values() if table.range_key_attr else [cast(Item, bucket)])
    items = [i for i in stored if all(_equal(i.attrs.get(n), v) for n, v in keys)]
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _index_query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    keys = kwargs.get("hash_key_conditions")
    if not keys:
        return _original_query(self, hash_key, *args, **kwargs)
    _partition.index_keys = (self, keys)
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _partition.index_keys = None


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name:
        return _index_query(self, hash_key, *args, **kwargs)
    if hash_key is None:
        return _original_query(self, hash_key, *args, **kwargs)
    projection = kwargs.get("projection_expressions", args[5] if len(args) > 5 else None)
    _partition.key = (self, hash_key)
    _partition.results_read_only = not projection
    _partition.sizes = {}
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        _partition.key = None
        _partition.results_read_only = False
        _partition.sizes = None


class _QueryResultsUncopied:
    """Stands in for `copy` inside moto.dynamodb.models.table: the results of a base-table
    Query without a projection are answered as they are stored (the answer only reads them;
    a projection builds new items, so its query still copies)."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if getattr(_partition, "results_read_only", False) and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)


def _wire(value: Any) -> Any:
    """`dynamo_to_dict` (a result as DynamoDB's JSON wire format) taking the attribute types
    by their tag; binary values and anything unusual go to moto's own walk."""
    kind = type(value)
    if kind is DynamoType:
        tag = value.type
        if tag in _SCALAR_TAGS:
            return {tag: value.value}
        if tag == "M":
            return {"M": {key: _wire(inner) for key, inner in value.value.items()}}
        if tag == "L":
            return {"L": [_wire(inner) for inner in value.value]}
        if tag in _SET_TAGS:
            return {tag: list(value.value)}
    elif kind is dict or kind is LimitedSizeDict:  # an item's attributes
        return {key: _wire(inner) for key, inner in value.items()}
    elif kind is list:
        return [_wire(inner) for inner in value]
    elif kind in _PLAIN_TYPES:
        return value
    return dynamo_to_dict(value)


_SCALAR_TAGS = frozenset({"S", "N", "BOOL", "NULL"})
_SET_TAGS = frozenset({"SS", "NS"})
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


FAST_OPERATIONS = frozenset({"Query", "Scan", "GetItem", "BatchGetItem"})
JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.0"}


def _execute_result(self: DynamoResult, context: Any) -> Any:
    if context.operation_model.name in FAST_OPERATIONS:
        try:
            return 200, dict(JSON_HEADERS), json.dumps(self.result)
        except TypeError:
            pass
    return _original_execute_result(self, context)


MAX_SHARD_ITERATORS = 1_000


def _forget_old_iterators(backend: DynamoDBStreamsBackend) -> None:
    iterators = backend.shard_iterators
    for arn in list(iterators)[: max(0, len(iterators) - MAX_SHARD_ITERATORS)]:
        del iterators[arn]


def _get_shard_iterator(self: DynamoDBStreamsBackend, *args: Any, **kwargs: Any) -> Any:
    _forget_old_iterators(self)
    return _original_get_shard_iterator(self, *args, **kwargs)


def _get_records(self: DynamoDBStreamsBackend, *args: Any, **kwargs: Any) -> Any:
    result = _original_get_records(self, *args, **kwargs)
    _forget_old_iterators(self)
    return result


_transaction = threading.local()
_one_write_at_a_time = threading.RLock()


class _CopyTablesByReference:
    """Stands in for `copy` inside moto.dynamodb.models: inside a transaction, a Table
    'copy' is the table itself (its touched items are saved by `_transact_write_items`)."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if getattr(_transaction, "active", False) and isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


ItemKey = tuple[Table, DynamoType, DynamoType | None]


def _item_keys(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[ItemKey]:
    keys: list[ItemKey] = []
    for entry in transact_items:
        for op_type, op in entry.items():
            table = backend.tables.get(op.get("TableName", ""))
            if table is None:
                continue
            source = op.get("Item", {}) if op_type == "Put" else op.get("Key", {})
            hash_json = source.get(table.hash_key_attr)
            range_json = source.get(table.range_key_attr) if table.range_key_attr else None
            if hash_json is None or (table.range_key_attr and range_json is None):
                continue  # moto rejects it; nothing of it can have been written
            range_key = DynamoType(range_json) if range_json is not None else None
            keys.append((table, DynamoType(hash_json), range_key))
    return keys


def _restore(table: Table, hash_key: DynamoType, range_key: DynamoType | None, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
        return
    bucket = table.items[hash_key]
    if item is None:
        bucket.pop(range_key, None)
        if not bucket:
            del table.items[hash_key]
    else:
        bucket[range_key] = item


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    with _one_write_at_a_time:
        _transact_write_items_alone(self, transact_items)


def _one_at_a_time(write: Callable[..., Any]) -> Callable[..., Any]:
    """`write` (a backend's PutItem, UpdateItem or DeleteItem) run while no other write runs."""

    @functools.wraps(write)
    def alone(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _one_write_at_a_time:
            return write(self, *args, **kwargs)

    return alone


def _transact_write_items_alone(
    self: DynamoDBBackend, transact_items: list[dict[str, Any]]
) -> None:
    saved = [
        (table, h, r, copy.deepcopy(table.get_item(h, r)))
        for table, h, r in _item_keys(self, transact_items)
    ]
    streams = {
        table: len(table.stream_shard.items)
        for table, _, _, _ in saved
        if table.stream_shard is not None
    }
    _transaction.active = True
    try:
        _original_transact_write_items(self, transact_items)
    except Exception:
        for table, hash_key, range_key, item in reversed(saved):
            _restore(table, hash_key, range_key, item)
        for table, length in streams.items():
            del table.stream_shard.items[length:]  # type: ignore[union-attr]
        raise
    finally:
        _transaction.active = False


def _item_init(
    self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]
) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    values = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in values.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, values)  # LimitedSizeDict checks in __setitem__ only


def _item_size(self: Item) -> int:
    """`Item.size` (its bytes, for the 1 MB page of a Query or Scan) with text and number values
    measured directly: moto asks each value which of six kinds it is first. Inside a base-table
    Query each item is measured once (nothing writes while the Query reads the partition)."""
    sizes: dict[int, int] | None = getattr(_partition, "sizes", None)
    if sizes is None:
        return _measured(self)
    if id(self) not in sizes:
        sizes[id(self)] = _measured(self)
    return sizes[id(self)]


def _measured(self: Item) -> int:
    total = 0
    for key, value in self.attrs.items():
        total += len(key.encode())
        if value.type == "S":
            total += len(value.value.encode())
        elif value.type == "N":
            total += number_size(str(value.value))
        else:
            total += value.size()
    return total


def _enrich_response(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
    """`BaseResponse._enrich_response`, its search for an XML request id made only in a body
    that holds the tag (a JSON answer holds none: moto's search found nothing in it)."""
    if isinstance(body, str) and "<RequestId>" not in body:
        if "status" in headers:
            headers["status"] = str(headers["status"])
        gen_amzn_requestid_long(headers)
        return headers, body
    return _original_enrich_response(headers, body)


def _visible_messages(self: Queue) -> list[Message]:
    """`Queue.messages` (visible and not delayed) with one clock reading."""
    now = unix_time_millis()
    return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]


def _delayed_count(self: Queue) -> int:
    now = unix_time_millis()
    return sum(1 for m in self._messages if now < m.delayed_until)


def _not_visible_count(self: Queue) -> int:
    now = unix_time_millis()
    return sum(1 for m in self._messages if not now > m.visible_at)


def _within_retention(self: SQSBackend, queue_name: str, message: Message) -> bool:
    """Whether the message is younger than its queue's retention period (the attribute
    moto read through the whole attribute list)."""
    queue = self.get_queue(queue_name)
    retention_period: int = queue.message_retention_period  # type: ignore[attr-defined]
    sent_ms: int = message.sent_timestamp  # type: ignore[assignment]  # set when sent
    return bool(retention_period + sent_ms / 1000 > unix_time())


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    """moto's service folders (`moto.backends.list_of_moto_modules`), listed once."""
    return tuple(_original_list_of_moto_modules())


@functools.cache
def _method_names(clazz: type) -> tuple[str, ...]:
    """A response class's methods (`method_names_from_class`), listed once per class."""
    return tuple(_original_method_names_from_class(clazz))


def _no_access_log(self: WSGIRequestHandler, code: int | str = "-", size: int | str = "-") -> None:
    """werkzeug's access log line per request: not written (its stderr goes nowhere)."""


ITEM_SIZE_LIMIT = 405000  # moto's own (dynamo_type.LimitedSizeDict)
_original_transact_write_items = DynamoDBBackend.transact_write_items
_original_get_shard_iterator = DynamoDBStreamsBackend.get_shard_iterator
_original_get_records = DynamoDBStreamsBackend.get_records
_original_all_items = Table.all_items
_original_item_size = Item.size
_original_query = Table.query
_original_execute_result = DynamoResult.execute_result
_original_enrich_response = core_responses.BaseResponse._enrich_response
_original_list_of_moto_modules = moto_backends.list_of_moto_modules
_original_method_names_from_class = core_responses.method_names_from_class  # type: ignore[attr-defined]


def apply() -> None:
    """Install the patch once (idempotent)."""
    global _applied
    if not _applied:
        Table.all_items = _all_items  # type: ignore[method-assign]
        Table.query = _query  # type: ignore[method-assign]
        DynamoResult.execute_result = _execute_result  # type: ignore[method-assign, assignment]
        DynamoDBStreamsBackend.get_shard_iterator = _get_shard_iterator  # type: ignore[method-assign]
        DynamoDBStreamsBackend.get_records = _get_records  # type: ignore[method-assign]
        dynamodb_models.copy = _CopyTablesByReference  # type: ignore[attr-defined, assignment]
        DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
        for name in ("put_item", "update_item", "delete_item"):
            setattr(DynamoDBBackend, name, _one_at_a_time(getattr(DynamoDBBackend, name)))
        Item.__init__ = _item_init  # type: ignore[method-assign]
        Item.size = _item_size  # type: ignore[method-assign]
        dynamodb_table.copy = _QueryResultsUncopied  # type: ignore[attr-defined, assignment]
        dynamodb_responses.dynamo_to_dict = _wire  # type: ignore[attr-defined, assignment]
        Queue.messages = property(_visible_messages)  # type: ignore[method-assign, assignment]
        Queue.approximate_number_of_messages_delayed = property(_delayed_count)  # type: ignore[method-assign, assignment]
        Queue.approximate_number_of_messages_not_visible = property(_not_visible_count)  # type: ignore[method-assign, assignment]
        SQSBackend.is_message_valid_based_on_retention_period = _within_retention  # type: ignore[method-assign]
        moto_backends.list_of_moto_modules = _moto_modules
        core_responses.method_names_from_class = _method_names  # type: ignore[attr-defined, assignment]
        core_responses.BaseResponse._enrich_response = staticmethod(_enrich_response)  # type: ignore[method-assign]
        WSGIRequestHandler.log_request = _no_access_log  # type: ignore[method-assign]
        moto_condition_parses.apply()
        moto_request_parse.apply()
        _applied = True
