"""The elders registry through the API: list, add, change with history, audit of personal
reads.

Who sees what: the steward of a community and the city admin see names and addresses;
officials see ids, tiers, categories, windows and dates only. Every response that carries
names or addresses writes an audit record (who, when, which elders) first.

The registry totals (active elders per scope and tier, the denominators of coverage) follow
every elder added and every change of status or categories, each applied once per change.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from careroute.domain.access import Caller, Role
from careroute.domain.elder_fields import ELDER_FIELDS, with_fields
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.geo import to_wgs84
from careroute.domain.policy import Policy
from careroute.domain.registry_rules import (
    ID_NUMBER_REASON,
    birth_date_problem,
    categories_problem,
    looks_like_id_number,
    phone_problem,
)
from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import (
    Community,
    Elder,
    ElderStatus,
    GeoPoint,
    Tier,
    TimeWindow,
    china_date,
    format_clock,
)
from careroute.messages.api import (
    AuditLog,
    AuditRead,
    ElderHistory,
    ElderPage,
    ElderPatch,
    ElderRow,
    HistoryEntry,
    PatchResult,
    Window,
)
from careroute.messages.elders import NewElder
from careroute.service_layer.ports import (
    CommunityRepository,
    CoverageRepository,
    ElderRepository,
    ReadAudit,
    ScopeDirectory,
    StewardRepository,
)
from careroute.service_layer.registry_totals import move_totals
from careroute.service_layer.scope_access import require_official_of


@dataclass(frozen=True)
class ElderRegistry:
    """The ports of the elders registry through the API: the registry, the scope tree (who
    may see which community) and the audit of personal reads."""

    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    scopes: ScopeDirectory
    audit: ReadAudit
    coverage: CoverageRepository
    """Where the registry totals an added or changed elder moves are kept."""


def actor(who: Caller) -> Actor:
    return Actor(who.subject, who.role.value)


def read_entry(who: Caller, at: datetime, what: str, elder_ids: list[str]) -> Entry:
    """The audit record of `who` being shown the personal data of `elder_ids` (ids only)."""
    return Entry(Kind.READ, at, actor(who), what, elder_ids=tuple(elder_ids))


def may_read_community(who: Caller, community_id: str, ports: ElderRegistry) -> bool:
    """Check access to a community's elders; True when names and addresses may be shown."""
    if who.role is Role.STEWARD:
        if ports.stewards.get_steward(who.scope).community_id != community_id:
            raise ForbiddenError("a steward can only list their own community's elders")
        return True
    require_official_of(who, community_id, ports.scopes)
    return who.role is Role.CITY_ADMIN


def encode_cursor(community_id: str, elder_id: str) -> str:
    raw = json.dumps({"c": community_id, "e": elder_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, community_id: str) -> str:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw["c"] == community_id and isinstance(raw["e"], str):
            return str(raw["e"])
    except (ValueError, TypeError, KeyError, binascii.Error):
        pass
    raise ValidationError("cursor: not a cursor of this community's list")


def row(elder: Elder, tier: Tier, personal: bool) -> ElderRow:
    return ElderRow(
        elder_id=elder.elder_id,
        community_id=elder.community_id,
        tier=tier,
        status=elder.status,
        categories=sorted(elder.categories),
        window=Window(start=format_clock(elder.window.start), end=format_clock(elder.window.end)),
        last_visited_on=elder.last_visited_on,
        name=elder.name if personal else None,
        address=elder.address if personal else None,
        phone=elder.phone or None if personal else None,
        guardian=elder.guardian or None if personal else None,
        guardian_phone=elder.guardian_phone or None if personal else None,
    )


def list_elders(
    who: Caller,
    community_id: str,
    *,
    tier: Tier | None,
    status: ElderStatus | None,
    limit: int,
    cursor: str | None,
    today: date,
    now: datetime,
    policy: Policy,
    ports: ElderRegistry,
) -> ElderPage:
    """One page of a community's elders in id order, filtered; next_cursor when more remain.
    The personal data shown is audited as read at `now`."""
    ports.communities.get_community(community_id)
    personal = may_read_community(who, community_id, ports)
    after = decode_cursor(cursor, community_id) if cursor else None
    rows: list[ElderRow] = []
    more = False
    for elder in ports.elders.elders_after(community_id, after):
        elder_tier = policy.tier_of(elder, today)
        if (tier and elder_tier is not tier) or (status and elder.status is not status):
            continue
        if len(rows) == limit:
            more = True
            break
        rows.append(row(elder, elder_tier, personal))
    if personal and rows:
        entry = read_entry(who, now, "elders_list", [r.elder_id for r in rows])
        ports.audit.record_community_read(community_id, entry)
    next_cursor = encode_cursor(community_id, rows[-1].elder_id) if more else None
    return ElderPage(elders=rows, next_cursor=next_cursor, personal_data=personal)


def change_elder(
    who: Caller,
    community_id: str,
    elder_id: str,
    patch: ElderPatch,
    now: datetime,
    ports: ElderRegistry,
    policy: Policy,
) -> PatchResult:
    """Apply the patch's changed fields and their history (dated `now`), atomically, and
    move the registry totals when the status or categories changed; unchanged: no write."""
    require_official_of(who, community_id, ports.scopes)
    if patch.categories is not None:
        problem = categories_problem(patch.categories)
        if problem is not None:
            raise ValidationError(f"categories: {problem}")
    elder = ports.elders.get_elder(community_id, elder_id)
    old = {name: ELDER_FIELDS[name](elder) for name in patch.changes()}
    new = {name: value for name, value in patch.changes().items() if old[name] != value}
    entries = [Entry(Kind.CHANGE, now, actor(who), name, old[name], new[name]) for name in new]
    if new:
        changed = with_fields(elder, new)
        ports.elders.change_registry(elder, changed, entries)
        key = f"change#{community_id}#{elder_id}#{now.isoformat()}"
        move_totals(elder, changed, china_date(now), policy, ports.coverage, key)
    return PatchResult(elder_id=elder_id, community_id=community_id, changed=sorted(new))


def add_elder(
    who: Caller, new: NewElder, today: date, policy: Policy, ports: ElderRegistry
) -> tuple[ElderRow, bool]:
    """Add one elder to a community's registry, checked as a row of elders.csv is; the
    registry totals count it from now on. Its community's steward or the city admin may.

    (the elder as stored, created): the same elder sent again is answered again (created
    False) and counted once; another elder under a stored id is a ConflictError."""
    community = ports.communities.get_community(new.community_id)
    if who.role is Role.STEWARD:
        if ports.stewards.get_steward(who.scope).community_id != community.community_id:
            raise ForbiddenError("a steward can only add elders to their own community")
    else:
        who.require(Role.CITY_ADMIN)
    elder = checked_elder(new, community, today)
    created = ports.elders.add_elder(elder)
    if not created:
        stored = ports.elders.get_elder(elder.community_id, elder.elder_id, consistent=True)
        if _as_entered(stored) != _as_entered(elder):
            reason = f"elder {elder.elder_id} is already in community {elder.community_id}"
            raise ConflictError(reason)
        elder = stored
    key = f"added#{elder.community_id}#{elder.elder_id}"
    move_totals(None, elder, today, policy, ports.coverage, key)
    return row(elder, policy.tier_of(elder, today), personal=True), created


def checked_elder(new: NewElder, community: Community, today: date) -> Elder:
    """The elder `new` describes, in its community's street and district; ValidationError
    naming the field when a rule of the registry (docs/data-format.md) is broken."""
    if not community.residential:
        raise ValidationError(
            f"community_id: community {community.community_id} is a {community.kind.value}, "
            "which holds no elders; place the elder in a residential community"
        )
    for field in ("elder_id", "name", "address", "phone", "guardian", "guardian_phone"):
        if looks_like_id_number(getattr(new, field)):
            raise ValidationError(f"{field}: {ID_NUMBER_REASON}")
    for field in ("phone", "guardian_phone"):
        problem = phone_problem(getattr(new, field))
        if problem is not None:
            raise ValidationError(f"{field}: {problem}")
    problem = birth_date_problem(new.birth_date, today)
    if problem is not None:
        raise ValidationError(f"birth_date: {problem}")
    problem = categories_problem(new.categories)
    if problem is not None:
        raise ValidationError(f"categories: {problem}")
    if new.last_visited_on is not None and new.last_visited_on > today:
        raise ValidationError(f"last_visited_on: {new.last_visited_on} is after {today}")
    try:
        location = to_wgs84(GeoPoint(new.lat, new.lng), new.crs)
    except ValueError as exc:
        raise ValidationError(
            f"lat: {new.lat:g}, {new.lng:g} in {new.crs} is out of range"
        ) from exc
    return Elder(
        elder_id=new.elder_id,
        **scope_ids(community),
        location=location,
        categories=frozenset(new.categories),
        birth_date=new.birth_date,
        window=TimeWindow.parse(new.window.start, new.window.end),
        name=new.name,
        address=new.address,
        status=new.status,
        last_visited_on=new.last_visited_on,
        phone=new.phone,
        guardian=new.guardian,
        guardian_phone=new.guardian_phone,
    )


def _as_entered(elder: Elder) -> tuple[object, ...]:
    """What an elder was entered with and later changes leave alone (a repeat of the same
    entry is recognised even after its first visits)."""
    return (elder.name, elder.birth_date, elder.location, elder.street_id)


class _Stamp(TypedDict):
    at: datetime
    actor_sub: str
    actor_role: str


def _stamp(entry: Entry) -> _Stamp:
    """When and by whom, as the history and the audit log both show an entry."""
    return {"at": entry.at, "actor_sub": entry.actor.sub, "actor_role": entry.actor.role}


def elder_history(
    who: Caller, community_id: str, elder_id: str, now: datetime, ports: ElderRegistry
) -> ElderHistory:
    """An elder's registry changes, newest first. Address values only for the city admin,
    whose read of them is audited at `now`."""
    require_official_of(who, community_id, ports.scopes)
    ports.elders.get_elder(community_id, elder_id)
    personal = who.role is Role.CITY_ADMIN
    changes = [
        HistoryEntry(
            **_stamp(e),
            field=e.what,
            old=e.old if personal or e.what != "address" else None,
            new=e.new if personal or e.what != "address" else None,
            reason=e.reason,
        )
        for e in ports.elders.changes(community_id, elder_id)
    ]
    if personal and any(c.field == "address" for c in changes):
        entry = read_entry(who, now, "history", [elder_id])
        ports.audit.record_elder_read(community_id, elder_id, entry)
    return ElderHistory(elder_id=elder_id, community_id=community_id, changes=changes)


def audit_log(who: Caller, community_id: str, limit: int, ports: ElderRegistry) -> AuditLog:
    """Who read the personal data of a community's elders (route and list reads), newest
    first: for the city admin, who answers for the data (ids only, never values)."""
    who.require(Role.CITY_ADMIN)
    ports.communities.get_community(community_id)  # unknown community -> 404, not empty
    reads = [
        AuditRead(
            **_stamp(e),
            what=e.what,
            elder_ids=list(e.elder_ids),
        )
        for e in ports.audit.community_reads(community_id)[:limit]
    ]
    return AuditLog(community_id=community_id, count=len(reads), reads=reads)
