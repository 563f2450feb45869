"""Where the CLI talks to its user: one rich console on stderr (stdout stays for data such as
a token), and the exit code of a refused input.
"""

from __future__ import annotations

from rich.console import Console

console = Console(stderr=True)
EXIT_BAD_INPUT = 2
