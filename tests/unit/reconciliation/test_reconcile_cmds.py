"""The reconciliation commands end to end on a hand-made study: text and JSON, refusals with
their exit codes, and no patient identifier in any output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer_app.cli import main
from reviewer_app.domain.case import Case
from tests.support.study_fixtures import STUDY_PASSPHRASE
from tests.unit.reconciliation.hand_study import HandStudy, rcp


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Case]]:
    monkeypatch.setenv("REVIEWER_APP_STUDY_PASSPHRASE", STUDY_PASSPHRASE)
    h = HandStudy(tmp_path / "study", cases=3)
    c = h.case_refs
    h.pair({c[0]: ("R01", "R02"), c[1]: ("R01", "R02"), c[2]: ("R03", "R04")})
    h.put(c[0], "R01", {"phase.overall.score": 2, "avoidability.grade": rcp(3)})
    h.put(c[0], "R02", {"phase.overall.score": 4, "avoidability.grade": rcp(5)})
    h.put(c[1], "R01", {"phase.overall.score": 4})
    cases = h.study_cases()
    h.close()
    return tmp_path / "study", cases


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def no_identifiers(text: str, cases: list[Case]) -> None:
    for case in cases:
        assert case.nhs_number not in text and case.family_name not in text


def test_discordant_compare_consensus_and_stages(
    folder: tuple[Path, list[Case]], capsys: pytest.CaptureFixture[str]
) -> None:
    study, cases = folder
    c0 = sorted(c.case_ref for c in cases)[0]
    code, out, _ = run(["coordinator", "discordant", str(study)], capsys)
    assert code == 0
    assert f"{c0} (R01 and R02): avoidability.grade (avoidability, OPEN)" in out
    code, out, _ = run(["coordinator", "discordant", str(study), "--json"], capsys)
    assert json.loads(out)[0]["open"] == ["avoidability.grade", "phase.overall.score"]
    code, out, _ = run(["coordinator", "compare", str(study), c0, "--differences"], capsys)
    assert code == 0 and "! phase.overall.score: R01 2" in out
    no_identifiers(out, cases)
    code, out, _ = run(
        [
            "coordinator",
            "consensus",
            str(study),
            c0,
            "phase.overall.score",
            "--value",
            "3",
            "--method",
            "pair_discussion",
            "--reason",
            "Agreed at the meeting",
            "--by",
            "Analyst",
        ],
        capsys,
    )
    assert code == 0
    said = f"Consensus recorded on {c0} phase.overall.score (version 1); "
    assert f"{said}method: Discussion of the pair." in out.splitlines()
    code, out, _ = run(
        [
            *("coordinator", "consensus", str(study), c0, "phase.overall.score"),
            *("--value", "4", "--method", "panel", "--reason", "The panel met", "--by", "Analyst"),
        ],
        capsys,
    )
    assert code == 0
    said = f"Consensus recorded on {c0} phase.overall.score (version 2, superseding version 1); "
    assert f"{said}method: Panel." in out.splitlines()
    code, out, _ = run(["coordinator", "stages", str(study), "--json"], capsys)
    stages = {r["case_ref"]: r["stage"] for r in json.loads(out)}
    assert stages[c0] == "in_consensus" and list(stages.values()).count("one_of_two") == 1
    code, out, _ = run(["coordinator", "second-stage", str(study)], capsys)
    assert f"{c0}: queued" in out
    code, out, _ = run(["coordinator", "allocate-second", str(study), "--case", c0], capsys)
    assert code == 0 and f"{c0}: second-stage review by R03" in out
    code, out, _ = run(["coordinator", "agreement", str(study)], capsys)
    assert code == 0 and "Agreement over 1 complete pair(s)" in out
    code, out, _ = run(["coordinator", "agreement", str(study), "--json"], capsys)
    assert json.loads(out)["pairs"] == 1


def test_refusals_exit_with_a_message(
    folder: tuple[Path, list[Case]], capsys: pytest.CaptureFixture[str]
) -> None:
    study, cases = folder
    c1 = sorted(c.case_ref for c in cases)[1]
    code, _, err = run(["coordinator", "compare", str(study), c1], capsys)
    assert code == 1 and "blind" in err
    code, _, err = run(
        [
            "coordinator",
            "consensus",
            str(study),
            c1,
            "phase.overall.score",
            "--value",
            "3",
            "--method",
            "panel",
            "--reason",
            "r",
        ],
        capsys,
    )
    assert code == 1 and "not in yet" in err
    code, _, err = run(["coordinator", "allocate-second", str(study), "--reviewer", "R01"], capsys)
    assert code == 2 and "--case" in err
    code, _, err = run(["coordinator", "agreement", str(study.parent / "nowhere")], capsys)
    assert code != 0 and "There is no study" in err
