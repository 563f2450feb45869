"""`careroute simulate`: a month through the real pipeline, day by day, on a simulated clock.

Through an engine (`engine.py`): `stack` runs the handlers Lambda runs on the local stack
(`stack_engine.py`), `memory` the same use cases on the memory adapters (`memory_engine.py`,
its solver processes in `solver_pool.py`). Each day:

1. 21:00 the evening before: the nightly Scheduler tick reaches the planner (plan_date =
   the day), and the plan-jobs queue is drained through the solver.
2. 08:00: hospitalised elders due home are discharged (PATCH status active, as an official
   would); stewards fall sick (rate `sick` per working steward, 1-3 days) and their leave is
   registered (PUT /stewards/{id}/leave) so that the next nights plan around it.
3. Every steward at work fetches their route (GET, steward token), meets each elder in order
   (an outcome drawn per stop: not home, refused, hospitalised, moved, deceased, else
   visited, some with findings) and posts the day's outcomes as one offline batch
   (POST /visits/batch) with the clock at the last stop's end. Some batches are sent twice,
   as a phone does when an answer is lost: the idempotency keys must absorb it.
4. The visits stream is drained through the projector; outcomes that change an elder's
   status are confirmed in the registry (PATCH, a no-op when the projector already did it).

At the end the month is checked (careroute.domain.compliance, from the raw visit records alone)
against the projector's counters, against `services.coverage_check` and against what the
simulation itself recorded; any difference fails the run. Misses are named with a cause.

One module per part: `config` (what a run is given, and its seeded draws), `timetable`, `state`
(what the simulation knows), `engine` and its two implementations, `api_client` (the stack's
HTTP callers), `benefits` (the daily scan's figures), `day` (one day), `visits` (a steward's
walk), `tickets`, `checks`, `causes`, `report`, and `month`, which runs them all.
"""

from careroute_local.simulation.checks import check_directory
from careroute_local.simulation.config import Rates, SimulationConfig
from careroute_local.simulation.month import run_simulation

__all__ = ["Rates", "SimulationConfig", "check_directory", "run_simulation"]
