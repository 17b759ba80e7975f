"""The second-review and escalation triggers each collected review fires, worked out once.

Which triggers a signed review fires depends only on its canonical content (its answers and
the definition it names, both fixed once signed) and on the rules that evaluate them. So the
collection works them out as it stores each version and keeps them by the content's SHA-256
(``storage.study.triggers``, study schema v8), and every read of the study (the second-stage
queue, the escalation log, the coordinator's window) takes them from there instead of building
the rules' view of 800 reviews again (about 1 ms each, most of what unlocking a study cost).

``TRIGGER_RULES`` names the rules: a row kept under other rules is never used, only worked out
again. It must change whenever what the triggers depend on changes (the condition evaluator,
the answers' view, the definitions' files): a test pins those sources by digest and says so.
A version stored before this cache existed (or whose row could not be written) is worked out
wherever it is needed, and kept when the coordinator's window next reads the study
(``reconciliation.study_snapshot``); the CLI's and the report's reads work it out each time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from reviewer_app.domain.definition import definition_named_in
from reviewer_app.domain.triggers import FiredTriggers, Trigger, all_triggers
from reviewer_app.errors import UserError
from reviewer_app.services.reconciliation.states import raw_answers
from reviewer_app.services.study import Study
from reviewer_app.storage.study.triggers import StoredTriggers, TriggerStore

log = logging.getLogger(__name__)

TRIGGER_RULES = "1"


def triggers_of(content: Mapping[str, Any]) -> FiredTriggers | None:
    """What a canonical content fires; None when this installation lacks its definition."""
    definition = definition_named_in(content)
    if definition is None:
        return None
    answers = content.get("answers")
    return all_triggers(definition, raw_answers(answers if isinstance(answers, Mapping) else {}))


def kept_triggers(study: Study) -> dict[str, FiredTriggers]:
    """content SHA-256 -> its triggers, for every content kept under ``TRIGGER_RULES``."""
    return {
        sha: FiredTriggers(_decoded(second), _decoded(escalation))
        for sha, (second, escalation) in TriggerStore(study.db).made_by(TRIGGER_RULES).items()
    }


def keep_triggers(study: Study, found: Iterable[tuple[str, FiredTriggers]]) -> int:
    """Keep what was worked out (one transaction); how many rows were written. A cache: a
    study that cannot be written now (e.g. locked by another program for longer than the
    wait) keeps nothing, says so in the log, and works them out again next time."""
    rows: list[tuple[str, StoredTriggers]] = [
        (sha, (_encoded(t.second_review), _encoded(t.escalation))) for sha, t in found
    ]
    try:
        return TriggerStore(study.db).keep(TRIGGER_RULES, rows)
    except UserError as err:
        log.warning("review triggers not kept: %s", type(err).__name__)
        return 0


def keep_triggers_of(study: Study, contents: Iterable[tuple[str, str]]) -> int:
    """Work out and keep the triggers of canonical contents given as (SHA-256, JSON text).
    The versions are stored already: a content whose triggers cannot be worked out here is
    left to the next read (which works them out as it needs them), never stops a collection,
    and is logged by the error's type only."""
    found = []
    for sha, text in contents:
        try:
            fired = triggers_of(json.loads(text))
        except Exception as err:  # a cache: the version itself is stored and verified
            log.warning("review triggers not worked out at collection: %s", type(err).__name__)
            continue
        if fired is not None:
            found.append((sha, fired))
    return keep_triggers(study, found)


def _encoded(triggers: tuple[Trigger, ...]) -> str:
    return json.dumps([[t.id, t.label] for t in triggers], ensure_ascii=False)


def _decoded(text: str) -> tuple[Trigger, ...]:
    return tuple(Trigger(str(i), str(label)) for i, label in json.loads(text))
