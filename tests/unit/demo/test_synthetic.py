from __future__ import annotations

from datetime import timedelta

from reviewer_app.domain.identifiers import nhs_number_digits
from reviewer_app.services.demo.synthetic import synthetic_cases, synthetic_reviewers


def test_synthetic_cases_are_deterministic_and_unique() -> None:
    first, again = synthetic_cases(300, seed=7), synthetic_cases(300, seed=7)
    assert first == again
    assert synthetic_cases(300, seed=8) != first
    assert len({c.case_ref for c in first}) == 300
    assert len({c.nhs_number for c in first}) == 300


def test_synthetic_cases_respect_the_data_contract() -> None:
    for case in synthetic_cases(500):
        assert case.nhs_number.startswith("999"), "only the reserved test range"
        assert nhs_number_digits(case.nhs_number) == case.nhs_number
        assert case.date_of_birth <= case.admission_date <= case.date_of_death
        if case.discharge_date is not None:
            assert case.admission_date <= case.discharge_date <= case.date_of_death
            assert case.date_of_death - case.discharge_date <= timedelta(days=30)
        assert case.age_at_death >= 18


def test_synthetic_panel_has_doctors_and_nurses() -> None:
    panel = synthetic_reviewers(8)
    professions = {r.profession.value for r in panel}
    assert professions == {"doctor", "nurse"}
    assert len({r.reviewer_ref for r in panel}) == 8
