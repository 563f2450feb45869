"""`python -m careroute_local.cli`: the same as the `careroute` command."""

from careroute_local.cli import main

if __name__ == "__main__":
    main()
