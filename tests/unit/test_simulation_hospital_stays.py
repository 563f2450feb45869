"""The simulated hospital stay: the steward mostly learns the hospital (one of the two of the
elder's district nearest to home, the same on every try of one stay), the elder is met in the
ward, and a ward visit after the discharge finds the bed empty."""

from datetime import date, timedelta

from careroute_synthetic.city import generate_city

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import ElderStatus, Outcome
from careroute_local.simulation.config import Rates, SimulationConfig
from careroute_local.simulation.month import hospitals_by_district
from careroute_local.simulation.state import ElderState, Run
from careroute_local.simulation.visits import _outcome, _stay_learned

DAY = date(2026, 12, 10)


def _run() -> Run:
    city = generate_city(5, as_of=date(2026, 11, 30), districts=["Heping"], scale=0.05)
    run = Run(SimulationConfig(month="2026-12", rates=Rates()), city, load_policy())
    run.hospitals = hospitals_by_district(city)
    for elder in city.elders:
        run.elders[elder.elder_id] = ElderState(
            elder.elder_id, elder.community_id, ElderStatus.ACTIVE
        )
    return run


def test_the_steward_mostly_learns_the_hospital_and_it_stays_the_same_through_the_stay() -> None:
    run = _run()
    elders = [e.elder_id for e in run.city.elders][:100]
    learned = {e: _stay_learned(run, DAY, e, Outcome.HOSPITALISED) for e in elders}
    known = {e: stay for e, stay in learned.items() if stay is not None}
    assert 0.8 < len(known) / len(elders) < 0.97  # stay_known 0.9
    names = {h.name for h in run.hospitals[run.city.elders[0].district_id]}
    assert {stay["place"] for stay in known.values()} <= names
    assert _stay_learned(run, DAY, elders[0], Outcome.NOT_HOME) is None
    for elder_id, stay in list(known.items())[:10]:
        run.elders[elder_id].pause(ElderStatus.HOSPITALISED, DAY)  # found gone on DAY
        later = DAY + timedelta(days=4)
        assert _stay_learned(run, later, elder_id, Outcome.HOSPITALISED) == stay


def test_the_elder_is_met_in_the_ward_and_not_after_the_discharge() -> None:
    run = _run()
    elders = [e.elder_id for e in run.city.elders][:100]
    for elder_id in elders:
        run.elders[elder_id].pause(ElderStatus.HOSPITALISED, DAY - timedelta(days=2))
    in_ward = [_outcome(run, DAY, e, False, at_stay=True)[0] for e in elders]
    assert in_ward.count(Outcome.VISITED) > 90 and set(in_ward) <= {
        Outcome.VISITED,
        Outcome.REFUSED,
    }
    at_door = [_outcome(run, DAY, e, False)[0] for e in elders]
    assert set(at_door) == {Outcome.HOSPITALISED}  # at home, the door tells
    for elder_id in elders:
        run.elders[elder_id].resume(DAY)
    assert {_outcome(run, DAY, e, False, at_stay=True)[0] for e in elders} == {Outcome.NOT_HOME}
