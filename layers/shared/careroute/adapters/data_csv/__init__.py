"""Every data set besides the registry as CSV files, one per data set, with the registry's
contract: `write_data_sets` writes them (UTF-8, header row, rows in id order); `read_data_sets`
reads back those present in a directory, all or nothing: every bad row of every file is
reported at once in a `DataImportError` (file, line, field, reason), and nothing is returned
unless all rows are good. The formats are described in docs/data-format.md.

One module per data set's format (`inspections`, `devices`, `home_services`, `meals`,
`assessments`, `facilities`, `beds`, `bed_visits`, `meal_bookings`, `day_care`,
`benefit_claims`, `orders`), each describing its files
as `DataFile`s; `files` lists them in reading order, `known` checks what rows refer to. The
CSV machinery (table, rows, errors, writing) is the registry's
(careroute.adapters.registry_csv).
"""

from careroute.adapters.data_csv.export import write_data_sets
from careroute.adapters.data_csv.files import FILES
from careroute.adapters.data_csv.known import Stored
from careroute.adapters.data_csv.reading import read_data_sets

__all__ = ["FILES", "Stored", "read_data_sets", "write_data_sets"]
