"""providers.csv, service_workers.csv and pilot_communities.csv, the home-service market
given together: each district's providers with their base and the skills they are ordered
for, each provider's workers with their skills, shift and lunch break, and the pilot
communities whose elders get free minutes."""

from __future__ import annotations

from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import PROVIDERS_FILE, Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.providers import Provider, ServiceWorker


def _read_provider(row: Row, known: Known) -> Provider | None:
    provider_id = row.text("provider_id")
    district_id = known.district(row)
    base = row.location()
    skills = row.words("skills")
    if not skills:
        row.error("skills", "is empty (required): a provider is ordered for some skill")
    if not row.ok or base is None:
        return None
    provider = Provider(provider_id, district_id, base, frozenset(skills))
    known.providers[provider_id] = provider
    return provider


PROVIDERS = DataFile(
    name=PROVIDERS_FILE,
    columns=("provider_id", "district_id", "lat", "lng", "skills"),
    read=_read_provider,
)


def _read_worker(row: Row, known: Known) -> ServiceWorker | None:
    worker_id = row.text("worker_id")
    provider_id = known.listed(row, "provider_id", PROVIDERS_FILE)
    skills = row.words("skills")
    if not skills:
        row.error("skills", "is empty (required): a worker has some skill")
    provider = known.providers.get(provider_id)
    if provider is not None and not provider.skills.issuperset(skills):
        other = ", ".join(sorted(set(skills) - provider.skills))
        row.error("skills", f"{other} not among provider {provider_id}'s skills")
    shift = row.window("shift_start", "shift_end")
    lunch = row.window("lunch_start", "lunch_end", required=False)
    if shift is not None and lunch is not None and shift.intersect(lunch) != lunch:
        row.error("lunch_start", f"lunch {lunch} is not inside the shift {shift}")
    if not row.ok or shift is None:
        return None
    return ServiceWorker(worker_id, provider_id, frozenset(skills), shift, lunch)


SERVICE_WORKERS_COLUMNS = (
    "worker_id", "provider_id", "skills", "shift_start", "shift_end", "lunch_start",
    "lunch_end",
)  # fmt: skip

SERVICE_WORKERS = DataFile(
    name="service_workers.csv",
    columns=SERVICE_WORKERS_COLUMNS,
    read=_read_worker,
)


def _read_pilot(row: Row, known: Known) -> str | None:
    community = known.community(row)
    return community.community_id if row.ok and community is not None else None


PILOT_COMMUNITIES = DataFile(
    name="pilot_communities.csv",
    columns=("community_id",),
    read=_read_pilot,
    cells=lambda community_id, _located: [community_id],
    sorted_by=lambda community_id: community_id,
)

MARKET_FILES = (PROVIDERS, SERVICE_WORKERS, PILOT_COMMUNITIES)
"""Given together or not at all: a market is its providers, their workers and the pilots."""
