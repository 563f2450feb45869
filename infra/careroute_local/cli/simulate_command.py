"""`careroute simulate`: the options read into a simulation's configuration and a synthetic
city, then the month run (or a finished run checked again with --check).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from careroute_local.cli.console import EXIT_BAD_INPUT, console
from careroute_local.cli.parser import SIMULATED_RATES

OPTIONS_AS_GIVEN = (
    "month", "seed", "city_seed", "scale", "days", "workers", "out", "engine", "visits_only",
)  # fmt: skip
"""The options a simulation's configuration takes as they are given (the rates are gathered
into one, the districts made a tuple)."""


def cmd_simulate(args: argparse.Namespace) -> None:
    from careroute_synthetic.city import generate_city

    from careroute.domain.policy import load_policy
    from careroute.domain.vocabulary import residential
    from careroute_local.simulation import Rates, SimulationConfig, check_directory, run_simulation

    # The same policy the handlers read (CAREROUTE_POLICY_FILE, else the built-in default).
    policy = load_policy(os.environ.get("CAREROUTE_POLICY_FILE"))
    if args.check:
        if not (args.check / "report.json").exists():
            console.print(f"[red]{args.check} holds no simulation (no report.json)")
            raise SystemExit(EXIT_BAD_INPUT)
        try:
            code, problems = check_directory(args.check, policy)
        except (OSError, KeyError, ValueError) as exc:
            console.print(f"[red]{args.check} is not a complete simulation report: {exc}")
            raise SystemExit(EXIT_BAD_INPUT) from exc
        for problem in problems[:50]:
            console.print(f"  difference: {problem}", markup=False, soft_wrap=True)
        console.print(
            f"Recomputed from {args.check / 'raw'}: "
            + ("every figure agrees." if code == 0 else f"{len(problems)} differences."),
            soft_wrap=True,
        )
        raise SystemExit(code)
    if not args.month:
        console.print("[red]--month YYYY-MM is required (or --check DIR)")
        raise SystemExit(EXIT_BAD_INPUT)
    try:
        config = SimulationConfig(
            **{name: getattr(args, name) for name in OPTIONS_AS_GIVEN},
            rates=Rates(**{name: getattr(args, name) for name, _, _ in SIMULATED_RATES}),
            districts=tuple(args.districts) if args.districts else None,
        )
        started = time.perf_counter()
        city = generate_city(
            args.city_seed,
            as_of=config.first,
            districts=config.districts,
            scale=args.scale,
            relief=True,
        )
    except ValueError as exc:
        console.print(f"[red]careroute simulate: {exc}", markup=True)
        raise SystemExit(EXIT_BAD_INPUT) from exc
    homes = len(residential(city.communities))
    console.print(
        f"Synthetic Shenyang (city seed {args.city_seed}): {homes:,} communities and "
        f"{len(city.communities) - homes:,} relief posts, {len(city.elders):,} elders in "
        f"{time.perf_counter() - started:.1f} s; "
        f"simulating {config.first} to {config.last} (seed {args.seed})"
    )
    command = "careroute " + " ".join(sys.argv[1:]) if sys.argv[1:] else "careroute simulate"
    raise SystemExit(run_simulation(config, city, policy, console, command))
