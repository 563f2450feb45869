"""Entry point of the local moto server process: moto's own server, with moto_patches applied.

Run as `python -m careroute_local.moto_server -H 127.0.0.1 -p PORT` (same flags as moto.server).
"""

from __future__ import annotations

import sys

from careroute_local import moto_patches


def main(argv: list[str] | None = None) -> None:
    moto_patches.apply()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
