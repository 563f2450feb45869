"""Who may order for an elder (a home service, a lunch, a day-care stay), and the elder they
order for, checked.

Apart from the home-service orders (`service_layer/orders.py`, with the order's steps, the
quota and the urgent holds behind them): the lunch and day-care bookings check the same
rules and load none of that.
"""

from __future__ import annotations

from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError, NotFoundError, ValidationError
from careroute.domain.vocabulary import Elder, ElderStatus
from careroute.service_layer.ports import ElderRepository, StewardRepository


def may_order_for(
    who: Caller, community_id: str, elder_id: str, district_id: str, stewards: StewardRepository
) -> bool:
    """Who may order for an elder (a home service or a lunch): the family, the steward of the
    elder's community, the call centre of the district, the city admin."""
    if who.role is Role.CITY_ADMIN:
        return True
    if who.role is Role.FAMILY:
        return who.scope == elder_id
    if who.role is Role.CALL_CENTRE:
        return who.scope == district_id
    if who.role is Role.STEWARD:
        return stewards.get_steward(who.scope).community_id == community_id
    return False


def orderable_elder(
    who: Caller,
    community_id: str,
    elder_id: str,
    elders: ElderRepository,
    stewards: StewardRepository,
    verb: str = "order",
) -> Elder:
    """The elder `who` orders for (a home service, a lunch, a day-care stay), if in that
    community (else NotFoundError), theirs to order for (`may_order_for`; else ForbiddenError
    saying they may not `verb` for them) and active (else ValidationError)."""
    try:
        elder = elders.get_elder(community_id, elder_id)
    except NotFoundError:
        raise NotFoundError(f"elder {elder_id} not found in that community") from None
    if not may_order_for(who, elder.community_id, elder.elder_id, elder.district_id, stewards):
        raise ForbiddenError(f"{who.role.value} {who.scope} may not {verb} for this elder")
    if elder.status is not ElderStatus.ACTIVE:
        raise ValidationError(f"elder_id: the elder is {elder.status.value}, not active")
    return elder
