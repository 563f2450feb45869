"""BenefitClaimsTable: one item per benefit claim (keyed by claim id), the claim as a JSON
document with its version; `district-index` (district_id, claim_id) lists a district's claims.

A claim is opened by a conditional put (a repeated scan opens none) and each step is a put
conditional on the version read, so two offices acting at once cannot both change it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.documents import as_stored
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, get_item, index, save_if, write_all
from careroute.domain.beds import Subsistence
from careroute.domain.benefits import BenefitClaim, ClaimStatus, ClaimStep, StepKind
from careroute.domain.scope_ids import scope_ids, scope_ids_in


class BenefitClaimModel(TableModel):
    claim_id = UnicodeAttribute(hash_key=True)
    district_id = UnicodeAttribute()
    version = NumberAttribute()
    document = JSONAttribute()

    by_district = index("district-index", "district_id", range_key="claim_id")


def claim_document(c: BenefitClaim) -> dict[str, Any]:
    return {
        **as_stored(c, "claim_id", "elder_id", "rule_id", "yuan", "visit_id", "version"),
        **scope_ids(c),
        "notified_at": c.notified_at.isoformat(),
        "status": c.status.value,
        "subsistence": c.subsistence.value if c.subsistence else None,
        "steps": [
            {"kind": s.kind.value, "at": s.at.isoformat(), **as_stored(s, "by", "note", "month")}
            for s in c.steps
        ],
    }


def claim_of(doc: dict[str, Any]) -> BenefitClaim:
    return BenefitClaim(
        claim_id=doc["claim_id"],
        elder_id=doc["elder_id"],
        **scope_ids_in(doc),
        rule_id=doc["rule_id"],
        yuan=int(doc["yuan"]),
        notified_at=datetime.fromisoformat(doc["notified_at"]),
        status=ClaimStatus(doc["status"]),
        subsistence=Subsistence(doc["subsistence"]) if doc["subsistence"] else None,
        visit_id=doc["visit_id"],
        steps=tuple(
            ClaimStep(
                StepKind(s["kind"]), datetime.fromisoformat(s["at"]), s["by"], s["note"], s["month"]
            )
            for s in doc["steps"]
        ),
        version=int(doc["version"]),
    )


def _item(claim: BenefitClaim) -> BenefitClaimModel:
    return BenefitClaimModel(
        claim.claim_id,
        district_id=claim.district_id,
        version=claim.version,
        document=claim_document(claim),
    )


def open_claim(claim: BenefitClaim) -> bool:
    """Store a new claim unless one with its id exists; True when stored."""
    condition = BenefitClaimModel.claim_id.does_not_exist()
    return save_if(_item(claim), condition, "open a benefit claim")


def get_claim(claim_id: str) -> BenefitClaim:
    item = get_item(
        BenefitClaimModel,
        claim_id,
        action="read a benefit claim",
        missing=f"no benefit claim {claim_id}",
        consistent=True,
    )
    return claim_of(item.document)


def save_step(before: BenefitClaim, after: BenefitClaim) -> bool:
    """Store `after` only over the stored version `before.version`."""
    condition = BenefitClaimModel.version == before.version
    return save_if(_item(after), condition, "record a benefit claim step")


def claims_in(district_id: str) -> Iterator[BenefitClaim]:
    with storage_errors("list benefit claims"):
        for item in BenefitClaimModel.by_district.query(district_id):
            yield claim_of(item.document)


def import_claims(claims: Iterable[BenefitClaim]) -> int:
    """Put each claim of an import (replacing the stored one of its id)."""
    return write_all(BenefitClaimModel, [_item(c) for c in claims], "import benefit claims")
