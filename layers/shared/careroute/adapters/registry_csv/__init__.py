"""Registry import and export as three CSV files: communities, stewards and elders.

`write_registry` writes `communities.csv`, `stewards.csv` and `elders.csv` (UTF-8, header row);
`read_registry` reads them back, all or nothing: every bad row in every file is collected and
reported at once in a `RegistryImportError`, and nothing is returned unless all rows are good.
The format and every validation rule are described in docs/data-format.md.

One module per part: `columns` (the format), `export` (writing), `reading` (the import), with
`csv_table`, `rows` and `records` for the checks and `errors` for how a rejection is reported.
`csv_table`, `rows`, `errors` and `writing` are the CSV machinery every other data set's
format shares (careroute.adapters.data_csv).
"""

from careroute.adapters.registry_csv.columns import (
    COMMUNITY_COLUMNS,
    ELDER_COLUMNS,
    STEWARD_COLUMNS,
)
from careroute.adapters.registry_csv.errors import DataImportError, RegistryImportError, RowError
from careroute.adapters.registry_csv.export import write_registry
from careroute.adapters.registry_csv.reading import read_registry

__all__ = [
    "COMMUNITY_COLUMNS",
    "ELDER_COLUMNS",
    "STEWARD_COLUMNS",
    "DataImportError",
    "RegistryImportError",
    "RowError",
    "read_registry",
    "write_registry",
]
