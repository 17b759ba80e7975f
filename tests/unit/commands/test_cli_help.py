"""The command line as a newcomer meets it: help on everything, usage errors with hints."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app import cli
from tests.support.cli_runner import run_cli as run

WORKSPACE = "REVIEWER_APP_PASSPHRASE"
STUDY = "REVIEWER_APP_STUDY_PASSPHRASE"
EXPORT = "REVIEWER_APP_EXPORT_PASSPHRASE"
COSIGNER = "REVIEWER_APP_COSIGNER_PASSPHRASE"
NEW = "REVIEWER_APP_NEW_PASSPHRASE"

COORDINATOR_COMMANDS = (
    "init",
    "fingerprint",
    "export-root",
    "add-cohort",
    "add-reviewers",
    "enrol",
    "allocate",
    "override",
    "collect",
    "revoke",
    "set-mode",
    "set-scale",
    "make-packs",
    # reconciliation of double reviews
    "discordant",
    "compare",
    "consensus",
    "second-stage",
    "allocate-second",
    "agreement",
    "stages",
    # the taskforce report and the analysts' exports
    "report",
    "export",
    # the escalation log and the action plan
    "escalation list",
    "escalation update",
    "escalation referral",
    "escalation log",
    "action add",
    "action update",
    "action list",
    "action import",
    "action export",
    "action appendix",
)
# Every command, with the passphrases it reads. A new command must be added here.
PASSPHRASES: dict[str, tuple[str, ...]] = {
    "demo": (),
    "cases": (WORKSPACE,),
    "identity create": (WORKSPACE,),
    "identity export": (WORKSPACE, EXPORT),
    "import": (WORKSPACE,),
    "return": (WORKSPACE,),
    "sign": (WORKSPACE,),
    "cosign": (WORKSPACE, COSIGNER),
    "pdf": (WORKSPACE,),
    "verify": (WORKSPACE,),  # with --workspace: trust the workspace's study root
    "check": (WORKSPACE,),
    "answers": (WORKSPACE,),
    "amend": (WORKSPACE,),
    "outcome": (WORKSPACE,),
    "reopen": (WORKSPACE,),
    "change-passphrase": (WORKSPACE, NEW),
    "coordinator change-passphrase": (STUDY, NEW),
    "coordinator status": (STUDY,),
    "coordinator practice": (),  # public passphrases, printed
    **{f"coordinator {name}": (STUDY,) for name in COORDINATOR_COMMANDS},
}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every parser in the tree, named by its words ("" is the top level)."""
    yield " ".join(path), parser
    for name, child in _subcommands(parser).items():
        yield from _walk(child, (*path, name))


PARSERS = dict(_walk(cli.build_parser()))
LEAVES = {name: p for name, p in PARSERS.items() if name and not _subcommands(p)}


def test_the_list_of_commands_is_complete() -> None:
    assert set(LEAVES) == set(PASSPHRASES)


@pytest.mark.parametrize("name", sorted(PARSERS), ids=lambda n: n or "reviewer-app")
def test_every_argument_and_option_has_help(name: str) -> None:
    parser = PARSERS[name]
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            missing += [a.dest for a in action._choices_actions if not a.help]
        elif not action.help or action.help == argparse.SUPPRESS:
            missing.append("/".join(action.option_strings) or str(action.metavar or action.dest))
    assert not missing, f"reviewer-app {name}: no help for {', '.join(missing)}"


@pytest.mark.parametrize("name", sorted(PASSPHRASES))
def test_commands_name_the_passphrase_variables_they_read(name: str) -> None:
    text = LEAVES[name].format_help()
    for variable in PASSPHRASES[name]:
        assert variable in text, f"reviewer-app {name} --help does not name {variable}"
    for variable in {WORKSPACE, STUDY, EXPORT, COSIGNER, NEW} - set(PASSPHRASES[name]):
        assert variable not in text, f"reviewer-app {name} --help names {variable}"


def test_top_level_help_documents_the_environment_and_exit_codes(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for variable in (WORKSPACE, STUDY, EXPORT, COSIGNER, NEW, "REVIEWER_APP_HOME"):
        assert variable in out
    assert "exit codes" in out and "70" in out


def test_required_options_show_as_required_in_usage() -> None:
    usage = LEAVES["identity create"].format_usage()
    assert "--email EMAIL" in usage and "[--email" not in usage
    assert "[--workspace DIR]" in usage


def test_identity_create_without_email_names_it(tmp_path: Path, capsys) -> None:
    code, _, err = run(
        capsys, "identity", "create", "--workspace", str(tmp_path / "ws"), "--name", "Dr X",
        "--profession", "doctor", "--registration", "GMC 2", "--request-out",
        str(tmp_path / "r.json"),
    )  # fmt: skip
    assert code == 2 and "--email" in err
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("group", ["coordinator", "identity"])
def test_a_group_without_its_command_prints_its_own_usage(group: str, capsys) -> None:
    code, out, err = run(capsys, group)
    assert code == 2
    assert err.startswith(f"usage: reviewer-app {group} ")
    assert "Traceback" not in err and out == ""
    names = ", ".join(_subcommands(PARSERS[group]))
    assert names in err  # it lists what can follow


@pytest.mark.parametrize(
    ("argv", "usage", "hint"),
    [
        (["cses"], "usage: reviewer-app [", "Did you mean cases?"),
        (["coordinator", "fingerprnt", "s"], "usage: reviewer-app coordinator [", "fingerprint?"),
        (["identity", "exprot"], "usage: reviewer-app identity [", "Did you mean export?"),
        (["cases", "--worksapce", "w"], "usage: reviewer-app cases [", "--workspace?"),
        (["cases", "--jsn"], "usage: reviewer-app cases [", "Did you mean --json?"),
        (["coordinator", "allocate", "s", "--cvs", "x"], "allocate [", "--csv?"),
        (["coordinator", "init", "s", "--name", "n", "--mode", "jiont"], "init [", "joint?"),
        (["verify", "f.pdf", "--trsut", "r.pem"], "usage: reviewer-app verify [", "--trust?"),
    ],
)
def test_misspelt_commands_and_options_get_a_hint(
    argv: list[str], usage: str, hint: str, capsys
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert usage in err and hint in err
    assert "Traceback" not in err and out == ""


def test_unknown_words_without_a_near_miss_point_to_help(capsys) -> None:
    code, _, err = run(capsys, "cases", "--zzzzzz")
    assert code == 2 and "unrecognized arguments: --zzzzzz" in err
    assert "reviewer-app cases --help" in err


def test_help_and_version_return_0_without_raising(capsys) -> None:
    assert run(capsys, "coordinator", "export-root", "--help")[0] == 0
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("reviewer-app ")


def test_usage_errors_never_ask_for_a_passphrase(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr("getpass.getpass", lambda *_a, **_k: pytest.fail("asked"))
    code, _, err = run(capsys, "coordinator", "fingerprint")
    assert code == 2 and "STUDY" in err
