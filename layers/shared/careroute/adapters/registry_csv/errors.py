"""How a rejected import is reported: every bad row of every file, each named by file, line
and field, in one exception.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class RowError:
    """One problem in an import: the file, its line (header = 1), the field and why."""

    file: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.reason}"


class DataImportError(ValueError):
    """Nothing was imported; `errors` lists every bad row found in every file read."""

    what = "data"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        shown = [f"  {error}" for error in self.errors[:MAX_ERRORS_SHOWN]]
        if len(self.errors) > MAX_ERRORS_SHOWN:
            shown.append(f"  ... and {len(self.errors) - MAX_ERRORS_SHOWN} more")
        heading = f"{self.what} not imported: {len(self.errors)} error(s)"
        super().__init__("\n".join([heading, *shown]))


class RegistryImportError(DataImportError):
    """The registry was not imported; `errors` lists every bad row found in all three files."""

    what = "registry"
