"""What every table module does the same way with pynamodb, written once: binding a model to
its table, declaring an index, reading one item, writing many, and the conditional writes
whose failed condition is an answer (a retry, a lost race), not an error. A hot path (a
steward's outcome, the route read) reads an item or writes a transaction with the model's
low-level client instead (`find_raw_item`, `write_together`), its request built directly.

Every call names its `action` ("read a ticket"): an SDK failure becomes a StorageError saying
what was being done (see `errors.storage_errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import MetaProtocol, Model
from pynamodb.transactions import TransactWrite

from careroute.adapters.dynamodb import sessions
from careroute.adapters.dynamodb.errors import CONDITION_FAILED, failed_conditions, storage_errors
from careroute.domain.errors import NotFoundError

M = TypeVar("M", bound=Model)

CANCELLED = "TransactionCanceledException"


_table_names: dict[str, str] = {}
"""Each model's table, by the model's class name, and their region: set at cold start by
`bind_models`, kept for the models whose module is imported after it."""
_region = ""


class TableModel(Model):
    """A model whose table is named by configuration at cold start (`bind_models`), never
    in code: the models declare only their attributes."""

    class Meta:
        table_name = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A function imports only the table modules it uses, some after the cold start's
        # `bind_models`: such a model is bound as it is defined.
        super().__init_subclass__(**kwargs)
        if cls.__name__ in _table_names:
            _bind(cls, _region, _table_names[cls.__name__])


def bind_models(region: str, tables: Mapping[str, str]) -> None:
    """Point each model (by class name) at its table (named by configuration, not code) in
    `region`: the models defined now, and those whose module is imported later. Their
    connections' botocore sessions share one loader of botocore's data files (`sessions`)."""
    global _region
    sessions.share_loader()
    _table_names.clear()
    _table_names.update(tables)
    _region = region
    for model in _defined_models():
        if model.__name__ in tables:
            _bind(model, region, tables[model.__name__])


def _defined_models() -> list[type[TableModel]]:
    """Every model defined so far: the subclasses of TableModel, at any depth."""
    found: list[type[TableModel]] = []
    pending = list(TableModel.__subclasses__())
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def _bind(model: type[Model], region: str, table: str) -> None:
    if "Meta" not in vars(model):
        # Inherited from TableModel: the model gets its own, or all would share one table.
        own = type("Meta", (cast(type, model.Meta),), {})
        model.Meta = cast(MetaProtocol, own)
    model.Meta.table_name = table
    setattr(model.Meta, "region", region)  # noqa: B010 (Meta declares no region)
    model._connection = None


def index(name: str, hash_key: str, range_key: str | None = None) -> GlobalSecondaryIndex[Any]:
    """A global secondary index keyed on string attributes, projecting every attribute (the
    only kind the tables declare; see template.yaml)."""
    attributes: dict[str, Any] = {
        "Meta": type("Meta", (), {"index_name": name, "projection": AllProjection()}),
        hash_key: UnicodeAttribute(hash_key=True),
    }
    if range_key is not None:
        attributes[range_key] = UnicodeAttribute(range_key=True)
    index_class = type(name.title().replace("-", ""), (GlobalSecondaryIndex,), attributes)
    declared: GlobalSecondaryIndex[Any] = index_class()
    return declared


def find_item(model: type[M], *key: str, action: str, consistent: bool = False) -> M | None:
    """One item by its key (the hash key, then the range key where the table has one), or
    None."""
    hash_key, *rest = key
    range_key = rest[0] if rest else None
    with storage_errors(action):
        try:
            return model.get(hash_key, range_key, consistent_read=consistent)
        except model.DoesNotExist:
            return None


def get_item(model: type[M], *key: str, action: str, missing: str, consistent: bool = False) -> M:
    """One item by its key; NotFoundError(`missing`) when there is none."""
    item = find_item(model, *key, action=action, consistent=consistent)
    if item is None:
        raise NotFoundError(missing)
    return item


def starting_with(model: type[M], hash_key: str, prefix: str, action: str) -> list[M]:
    """The items of partition `hash_key` whose sort key starts with `prefix` (one kind of
    item in a table that keeps several), in sort-key order."""
    with storage_errors(action):
        return list(model.query(hash_key, model._range_key_attribute().startswith(prefix)))


def write_all(model: type[M], items: Iterable[M], action: str) -> int:
    """Put (create or replace) every item in batches; the count written."""
    count = 0
    with storage_errors(action), model.batch_write() as batch:
        for item in items:
            batch.save(item)
            count += 1
    return count


def replace_all(model: type[M], items: list[M], action: str) -> int:
    """Make `items` the table's whole content (a small table keyed by its hash key, loaded
    whole): stored items left out are deleted, the others put; the count stored."""
    key = model._hash_key_attribute().attr_name
    keep = {getattr(item, key) for item in items}
    with storage_errors(action), model.batch_write() as batch:
        for stored in model.scan(attributes_to_get=[key]):
            if getattr(stored, key) not in keep:
                batch.delete(stored)
        for item in items:
            batch.save(item)
    return len(items)


def save_if(item: Model, condition: Condition, action: str) -> bool:
    """Put `item` if `condition` holds on the stored one; False when it does not (nothing
    written)."""
    with storage_errors(action):
        try:
            item.save(condition=condition)
        except PutError as exc:
            if exc.cause_response_code == CONDITION_FAILED:
                return False
            raise
    return True


def update_if(item: Model, actions: list[Action], condition: Condition, action: str) -> bool:
    """Apply `actions` to the stored `item` if `condition` holds; False when it does not
    (nothing written)."""
    with storage_errors(action):
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if exc.cause_response_code == CONDITION_FAILED:
                return False
            raise
    return True


class Transaction(TransactWrite):
    """The writes of one all-or-nothing transaction (see `transaction`)."""

    def __init__(self, model: type[Model]) -> None:
        # The model's own connection: one botocore client per container, host and region bound.
        super().__init__(connection=model._get_connection().connection)
        self.failed: list[bool] = []
        """After a cancelled transaction: per write, did its condition fail? DynamoDB orders
        the writes puts first, then updates, each in the order they were added."""

    @property
    def committed(self) -> bool:
        """Were the writes made? (False: a condition failed and nothing was written.)"""
        return not any(self.failed)


@contextmanager
def transaction(model: type[Model], action: str) -> Iterator[Transaction]:
    """Collect writes and commit them together on leaving the block. A failed condition
    cancels the whole transaction (nothing is written) and is reported by `committed` and
    `failed`, not raised; any other failure raises StorageError."""
    writes = Transaction(model)
    with storage_errors(action):
        try:
            with writes:
                yield writes
        except TransactWriteError as exc:
            writes.failed = failed_conditions(exc)
            if not any(writes.failed):
                raise  # cancelled for another reason: throttling, a conflicting transaction


SDK_ERRORS = (ClientError, BotoCoreError)
"""What a call made with a model's client (`client_of`) may raise."""


def client_of(model: type[Model]) -> Any:
    """`model`'s botocore DynamoDB client (one per container, bound to its table's region
    and endpoint), for a hot path's request built by hand: pynamodb's own request adds what
    such a path does not need (expression objects, the consumed capacity)."""
    return model._get_connection().connection.client


def typed_key(key: dict[str, str]) -> dict[str, dict[str, str]]:
    """A key of string attributes (name to value) as a low-level request names it."""
    return {name: {"S": value} for name, value in key.items()}


def find_raw_item(
    model: type[Model], key: dict[str, str], action: str, consistent: bool = False
) -> dict[str, Any] | None:
    """One item by its key (attribute name to string), as DynamoDB answers it (attribute name
    to typed value), or None: `find_item` without building the model."""
    with storage_errors(action, caught=SDK_ERRORS):
        answer = client_of(model).get_item(
            TableName=model.Meta.table_name,
            Key=typed_key(key),
            ConsistentRead=consistent,
        )
    item: dict[str, Any] | None = answer.get("Item")
    return item


def write_together(model: type[Model], items: list[dict[str, Any]], action: str) -> list[bool]:
    """One TransactWriteItems of `items`, given in the request's own shape (`{"Put": ...}`,
    `{"ConditionCheck": ...}`), sent with `model`'s client: for a hot path, where pynamodb's
    expression objects cost more than the request (`transaction` is the general way). Returns
    [] when committed; when a condition failed (nothing written), per item in order: did its
    condition fail? Any other failure raises StorageError."""
    with storage_errors(action, caught=SDK_ERRORS):
        try:
            client_of(model).transact_write_items(TransactItems=items)
        except ClientError as exc:
            reasons = exc.response.get("CancellationReasons") or []
            failed = [reason.get("Code") == "ConditionalCheckFailed" for reason in reasons]
            if exc.response.get("Error", {}).get("Code") != CANCELLED or not any(failed):
                raise  # cancelled for another reason: throttling, a conflicting transaction
            return failed
    return []
