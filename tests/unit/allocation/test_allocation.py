"""Allocation: safety (conflicts), composition, balance, determinism, overrides."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_app.domain.case import Case, PlaceOfDeath, Sex
from reviewer_app.domain.panel import Profession, Reviewer, Sector, is_conflicted
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.allocation.pairing import AllocationResult, allocate, allocation_csv
from reviewer_app.services.intake.cohort_csv import read_cohort
from reviewer_app.services.intake.panel_csv import read_panel

SITES = ("Glenfield Hospital", "Leicester Royal Infirmary", "Leicester General Hospital")
SPECIALTIES = ("renal", "cardiology", "oncology", "stroke", "general surgery", "respiratory")
PRACTICES = tuple(f"C82{n:03d}" for n in range(1, 30))
DOCTOR, NURSE, OTHER = Profession.DOCTOR, Profession.NURSE, Profession.OTHER
PRIMARY, SECONDARY, COMMUNITY = Sector.PRIMARY, Sector.SECONDARY, Sector.COMMUNITY


def case(
    ref: str,
    site: str | None = "Glenfield Hospital",
    specialty: str | None = "renal",
    gp: str | None = "C82001",
) -> Case:
    return Case(
        case_ref=ref,
        nhs_number="9996317064",
        family_name="Test",
        given_names="Case",
        date_of_birth=date(1940, 1, 1),
        sex=Sex.UNKNOWN,
        admission_date=date(2017, 6, 1),
        date_of_death=date(2017, 6, 5),
        place_of_death=PlaceOfDeath.ACUTE_HOSPITAL,
        site=site,
        specialty=specialty,
        gp_practice_code=gp,
    )


def reviewer(
    ref: str, profession: Profession = DOCTOR, sector: Sector = SECONDARY, *conflicts: str
) -> Reviewer:
    return Reviewer(
        reviewer_ref=ref, name=f"Reviewer {ref}", profession=profession, sector=sector,
        conflicts=conflicts,
    )  # fmt: skip


def cohort(count: int, seed: int = 7) -> list[Case]:
    """A local stand-in for the synthetic generator: varied sites, specialties, practices."""
    rng = random.Random(seed)
    return [
        case(f"NSR-{i:05d}", rng.choice(SITES), rng.choice(SPECIALTIES), rng.choice(PRACTICES))
        for i in range(1, count + 1)
    ]


def panel(count: int, seed: int = 7, conflict_rate: float = 0.5) -> list[Reviewer]:
    """Alternating doctors and nurses over the three sectors, some with conflicts."""
    rng = random.Random(seed)
    sectors = (PRIMARY, SECONDARY, COMMUNITY)
    found = []
    for i in range(count):
        conflicts: list[str] = []
        if rng.random() < conflict_rate:
            conflicts.append(rng.choice([*SITES[:1], *SPECIALTIES, *PRACTICES]))
        found.append(
            reviewer(f"R{i + 1:02d}", (DOCTOR, NURSE)[i % 2], sectors[i // 2 % 3], *conflicts)
        )
    return found


def by_ref(reviewers: Sequence[Reviewer]) -> dict[str, Reviewer]:
    return {r.reviewer_ref: r for r in reviewers}


def assert_safe(
    result: AllocationResult, cases: Sequence[Case], reviewers: Sequence[Reviewer]
) -> None:
    people = by_ref(reviewers)
    refs = {c.case_ref for c in cases}
    unallocated = {ref for ref, _ in result.unallocated}
    assert set(result.pairs) | unallocated == refs
    assert not set(result.pairs) & unallocated
    cases_by_ref = {c.case_ref: c for c in cases}
    for ref, (first, second) in result.pairs.items():
        assert first != second
        for who in (first, second):
            assert not is_conflicted(people[who], cases_by_ref[ref]), (ref, who)


# --- conflicts ---------------------------------------------------------------------------


def test_a_conflicted_reviewer_is_never_chosen() -> None:
    reviewers = [
        reviewer("R1", DOCTOR, PRIMARY, "C82001"),
        reviewer("R2", DOCTOR, SECONDARY),
        reviewer("R3", NURSE, COMMUNITY, "renal"),
        reviewer("R4", NURSE, PRIMARY),
    ]
    result = allocate([case("A")], reviewers)
    assert result.pairs == {"A": ("R2", "R4")}


@pytest.mark.parametrize(
    "conflict",
    ["glenfield hospital", "  Glenfield Hospital ", "RENAL", "c82001", "Glenfield Hospital"],
)
def test_conflicts_match_case_insensitively_and_trimmed(conflict: str) -> None:
    assert is_conflicted(reviewer("R1", DOCTOR, PRIMARY, conflict), case("A"))


def test_conflicts_match_across_nfc_and_nfd() -> None:
    accented = "Gériatrie"
    nfd_reviewer = reviewer("R1", DOCTOR, PRIMARY, unicodedata.normalize("NFD", accented))
    assert is_conflicted(nfd_reviewer, case("A", specialty=accented))


def test_unrelated_conflicts_do_not_exclude() -> None:
    assert not is_conflicted(reviewer("R1", DOCTOR, PRIMARY, "C82002", "stroke"), case("A"))
    assert not is_conflicted(reviewer("R1", DOCTOR, PRIMARY, "Glenfield"), case("A"))


def test_a_case_with_fewer_than_two_safe_reviewers_is_reported_not_forced() -> None:
    reviewers = [reviewer("R1", DOCTOR, PRIMARY, "renal"), reviewer("R2", NURSE, SECONDARY)]
    result = allocate([case("A"), case("B", specialty="stroke")], reviewers)
    assert result.pairs == {"B": ("R1", "R2")}
    assert len(result.unallocated) == 1
    ref, reason = result.unallocated[0]
    assert ref == "A"
    assert "only R2 has no conflict" in reason


def test_every_reviewer_conflicted() -> None:
    reviewers = [reviewer("R1", DOCTOR, PRIMARY, "renal"), reviewer("R2", NURSE, PRIMARY, "renal")]
    result = allocate([case("A")], reviewers)
    assert result.pairs == {}
    assert "every reviewer on the panel has a conflict" in result.unallocated[0][1]


def test_a_panel_of_one_allocates_nothing() -> None:
    assert [r for r, _ in allocate([case("A")], [reviewer("R1")]).unallocated] == ["A"]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cases=st.integers(min_value=0, max_value=60),
    reviewers=st.integers(min_value=0, max_value=14),
    conflict_rate=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_property_conflicts_never_violated_and_nothing_lost(
    cases: int, reviewers: int, conflict_rate: float, seed: int
) -> None:
    the_cases = cohort(cases, seed)
    rng = random.Random(seed)
    the_panel = [
        reviewer(
            f"R{i:02d}",
            rng.choice([DOCTOR, NURSE, OTHER]),
            rng.choice(list(Sector)),
            *rng.sample([*SITES, *SPECIALTIES, *PRACTICES[:5]], rng.randrange(0, 4))
            if rng.random() < conflict_rate
            else (),
        )
        for i in range(reviewers)
    ]
    result = allocate(the_cases, the_panel)
    assert_safe(result, the_cases, the_panel)
    people = by_ref(the_panel)
    for c in the_cases:
        safe = [r for r in the_panel if not is_conflicted(r, c)]
        if len(safe) < 2:
            assert c.case_ref not in result.pairs
            continue
        assert c.case_ref in result.pairs, "a case with a safe pair must get one"
        professions = {people[r].profession for r in result.pairs[c.case_ref]}
        if {DOCTOR, NURSE} <= {r.profession for r in safe}:
            assert professions == {DOCTOR, NURSE}


# --- composition -------------------------------------------------------------------------


def test_a_doctor_and_a_nurse_when_the_panel_allows() -> None:
    reviewers = [
        reviewer("R1", DOCTOR, PRIMARY),
        reviewer("R2", DOCTOR, SECONDARY),
        reviewer("R3", DOCTOR, COMMUNITY),
        reviewer("R4", NURSE, PRIMARY),
        reviewer("R5", OTHER, SECONDARY),
    ]
    result = allocate(cohort(30), reviewers)
    people = by_ref(reviewers)
    for pair in result.pairs.values():
        assert {people[r].profession for r in pair} == {DOCTOR, NURSE}
    assert result.notes == []


def test_without_a_safe_nurse_the_pair_is_made_and_noted() -> None:
    reviewers = [
        reviewer("R1", DOCTOR, PRIMARY),
        reviewer("R2", DOCTOR, SECONDARY),
        reviewer("R3", OTHER, COMMUNITY),
        reviewer("R4", NURSE, PRIMARY, "renal"),
    ]
    result = allocate([case("A")], reviewers)
    people = by_ref(reviewers)
    assert {people[r].profession for r in result.pairs["A"]} == {DOCTOR, OTHER}
    assert result.notes == [
        ("A", "no doctor and nurse both free of conflict: paired doctor and other")
    ]


def test_different_sectors_where_possible() -> None:
    reviewers = panel(12, conflict_rate=0)
    result = allocate(cohort(600), reviewers)
    people = by_ref(reviewers)
    same = [p for p in result.pairs.values() if people[p[0]].sector == people[p[1]].sector]
    assert same == []


def test_same_sector_only_when_the_panel_has_no_other() -> None:
    reviewers = [reviewer("R1", DOCTOR, PRIMARY), reviewer("R2", NURSE, PRIMARY)]
    assert allocate([case("A")], reviewers).pairs == {"A": ("R1", "R2")}


# --- balance, determinism, scale ---------------------------------------------------------


def spread(result: AllocationResult, reviewers: Sequence[Reviewer]) -> int:
    loads = result.loads()
    counts = [loads.get(r.reviewer_ref, 0) for r in reviewers]
    return max(counts) - min(counts)


def test_workloads_balanced_without_conflicts() -> None:
    reviewers = panel(8, conflict_rate=0)
    result = allocate(cohort(101), reviewers)
    assert spread(result, reviewers) <= 1


def test_workloads_balanced_with_conflicts() -> None:
    reviewers = panel(40)
    result = allocate(cohort(2000), reviewers)
    assert result.unallocated == []
    assert spread(result, reviewers) <= 2


def test_balance_is_within_each_profession_when_their_numbers_differ() -> None:
    reviewers = [reviewer(f"D{i}", DOCTOR, (PRIMARY, SECONDARY)[i % 2]) for i in range(3)]
    reviewers += [reviewer(f"N{i}", NURSE, COMMUNITY) for i in range(6)]
    result = allocate(cohort(120), reviewers)
    assert spread(result, reviewers[:3]) <= 1
    assert spread(result, reviewers[3:]) <= 1
    assert sum(result.loads().values()) == 240


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.randoms(use_true_random=False))
def test_same_inputs_in_any_order_give_the_same_allocation(rng: random.Random) -> None:
    cases, reviewers = cohort(150), panel(10)
    expected = allocate(cases, reviewers)
    rng.shuffle(cases)
    rng.shuffle(reviewers)
    assert allocate(cases, reviewers) == expected


def test_ten_thousand_cases_to_forty_reviewers_balanced() -> None:
    """Scale, for correctness only; speed: tests/benchmarks/test_bench_intake.py."""
    cases, reviewers = cohort(10_000), panel(40)
    result = allocate(cases, reviewers)
    assert len(result.pairs) == 10_000
    assert spread(result, reviewers) <= 2


def test_duplicate_inputs_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="twice"):
        allocate([case("A"), case("A")], panel(2))
    with pytest.raises(ValueError, match="more than once"):
        allocate([case("A")], [reviewer("R1"), reviewer("R1", NURSE)])


# --- overrides and re-allocation ---------------------------------------------------------


def test_overrides_are_kept_as_given() -> None:
    reviewers = panel(4, conflict_rate=0)
    result = allocate(cohort(4), reviewers, overrides={"NSR-00004": ("R04", "R01")})
    assert result.pairs["NSR-00004"] == ("R04", "R01")
    assert result.overridden == {"NSR-00004"}


def test_overrides_count_towards_load() -> None:
    reviewers = panel(4, conflict_rate=0)
    by_hand = {f"NSR-0000{i}": ("R01", "R02") for i in range(1, 5)}
    result = allocate(cohort(8), reviewers, overrides=by_hand)
    loads = result.loads()
    # Uncounted, the four automatic cases would split evenly: R03 + R04 would get only 4.
    assert loads["R03"] + loads["R04"] >= 6
    assert spread(result, reviewers) <= 2


def test_an_override_need_not_be_doctor_and_nurse() -> None:
    reviewers = panel(4, conflict_rate=0)
    result = allocate(cohort(1), reviewers, overrides={"NSR-00001": ("R01", "R03")})
    assert result.pairs["NSR-00001"] == ("R01", "R03")  # both doctors: the coordinator's call


def test_bad_overrides_are_all_refused_at_once() -> None:
    reviewers = [*panel(4, conflict_rate=0), reviewer("R09", NURSE, PRIMARY, "renal")]
    overrides = {
        "NSR-00001": ("R01", "R99"),
        "NSR-00002": ("R09", "R01"),
        "NSR-00003": ("R02", "R02"),
        "NSR-99999": ("R01", "R02"),
    }
    with pytest.raises(InvalidInputError) as caught:
        allocate([case(f"NSR-0000{i}") for i in (1, 2, 3)], reviewers, overrides=overrides)
    lines = str(caught.value).splitlines()
    assert lines == [
        "Case NSR-00001 cannot be allocated by hand to this pair: R99 is not on the panel.",
        "Case NSR-00002 cannot be allocated by hand to this pair: R09 has a conflict with this "
        "case (GP practice, site or specialty).",
        "Case NSR-00003 cannot be allocated by hand to this pair: R02 is named twice.",
        "Case NSR-99999 is not in the cohort, so it cannot be allocated by hand.",
        "Choose other reviewers and try again.",
    ]


def test_overrides_survive_reallocation() -> None:
    cases, reviewers = cohort(40), panel(8, conflict_rate=0)
    first = allocate(cases, reviewers, overrides={"NSR-00007": ("R08", "R02")})
    again = allocate(cases, reviewers, existing=first)
    assert again.pairs["NSR-00007"] == ("R08", "R02")
    assert again.overridden == {"NSR-00007"}
    assert again == first


def test_a_new_override_replaces_an_old_one() -> None:
    cases, reviewers = cohort(10), panel(8, conflict_rate=0)
    first = allocate(cases, reviewers, overrides={"NSR-00001": ("R08", "R02")})
    second = allocate(cases, reviewers, overrides={"NSR-00001": ("R03", "R04")}, existing=first)
    assert second.pairs["NSR-00001"] == ("R03", "R04")


def test_reallocation_after_a_reviewer_leaves_moves_only_their_cases() -> None:
    cases, reviewers = cohort(60), panel(8, conflict_rate=0)
    first = allocate(cases, reviewers, overrides={"NSR-00001": ("R01", "R02")})
    remaining = [r for r in reviewers if r.reviewer_ref != "R02"]
    second = allocate(cases, remaining, existing=first)
    assert_safe(second, cases, remaining)
    moved = {ref for ref, pair in first.pairs.items() if "R02" in pair}
    for ref, pair in first.pairs.items():
        if ref not in moved:
            assert second.pairs[ref] == pair
    assert {ref for ref, _ in second.notes} == moved
    assert "NSR-00001" not in second.overridden  # the hand-made pair could not be kept
    assert all("R02 is not on the panel" in note for _, note in second.notes)


def test_reallocation_drops_a_pair_that_became_conflicted() -> None:
    cases, reviewers = cohort(20), panel(6, conflict_rate=0)
    first = allocate(cases, reviewers)
    conflicted = [
        reviewer(r.reviewer_ref, r.profession, r.sector, "Glenfield Hospital")
        if r.reviewer_ref == "R01"
        else r
        for r in reviewers
    ]
    second = allocate(cases, conflicted, existing=first)
    assert_safe(second, cases, conflicted)


def test_new_cases_are_added_around_the_existing_allocation() -> None:
    reviewers = panel(8, conflict_rate=0)
    first = allocate(cohort(40), reviewers)
    second = allocate(cohort(80), reviewers, existing=first)
    assert all(second.pairs[ref] == pair for ref, pair in first.pairs.items())
    assert len(second.pairs) == 80
    assert spread(second, reviewers) <= 2


# --- export ------------------------------------------------------------------------------


def test_allocation_csv() -> None:
    result = AllocationResult(pairs={"B": ("R2", "R3"), "A": ("R1", "=cmd")})
    assert allocation_csv(result) == ("case_ref,reviewer_1,reviewer_2\r\nA,R1,'=cmd\r\nB,R2,R3\r\n")


def test_allocation_csv_of_an_empty_result_is_just_the_header() -> None:
    assert allocation_csv(AllocationResult()) == "case_ref,reviewer_1,reviewer_2\r\n"


def test_the_shared_synthetic_files_allocate_end_to_end() -> None:
    from tests.support.sample_data import SAMPLE_DATA as shared

    cases = read_cohort((shared / "cohort.csv").read_bytes(), "cohort.csv").cases
    reviewers = read_panel((shared / "reviewers.csv").read_bytes(), "reviewers.csv").reviewers
    result = allocate(cases, reviewers)
    assert_safe(result, cases, reviewers)
    assert len(result.pairs) == 40
    people = by_ref(reviewers)
    assert all({people[r].profession for r in p} == {DOCTOR, NURSE} for p in result.pairs.values())
    assert spread(result, reviewers) <= 2
