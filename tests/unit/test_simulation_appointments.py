"""The simulated door: a booked retry is kept at its own rate, drawn per appointment."""

from datetime import date

from careroute_synthetic.city import generate_city

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Outcome
from careroute_local.simulation.config import Rates, SimulationConfig
from careroute_local.simulation.state import Run
from careroute_local.simulation.visits import _outcome

DAYS = [date(2026, 12, day) for day in range(1, 32)]


def _run(rates: Rates) -> Run:
    city = generate_city(5, as_of=date(2026, 11, 30), districts=["Heping"], scale=0.05)
    return Run(SimulationConfig(month="2026-12", rates=rates), city, load_policy())


def _kept_share(run: Run, appointment: bool) -> float:
    elders = [e.elder_id for e in run.city.elders][:60]
    outcomes = [_outcome(run, day, e, appointment)[0] for day in DAYS for e in elders]
    return outcomes.count(Outcome.VISITED) / len(outcomes)


def test_a_booked_retry_is_kept_at_the_appointment_rate() -> None:
    run = _run(Rates(not_home=0.3, refuse=0.1, appointment_kept=0.95))
    assert 0.55 < _kept_share(run, appointment=False) < 0.65
    assert 0.93 < _kept_share(run, appointment=True) < 0.97


def test_with_no_benefit_assumed_an_appointment_is_an_ordinary_try() -> None:
    run = _run(Rates(not_home=0.15, refuse=0.03, appointment_kept=0.82))
    plain, booked = _kept_share(run, appointment=False), _kept_share(run, appointment=True)
    assert abs(plain - booked) < 0.03
