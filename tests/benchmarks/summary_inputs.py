"""The summaries the PDF and signing benchmarks render: synthetic cases with complete
sample answers, and the heaviest of them (shared, so no benchmark imports another)."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime

from reviewer_app.domain.definition import default_definition
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.summary.pdf import Signer, SummaryInput

SIGNERS = (
    Signer(
        name="Dr Amrit Kowalczyk",
        profession="Consultant physician",
        registration="GMC 7012345",
        signed_at=datetime(2017, 7, 14, 14, 5, tzinfo=UTC),
    ),
    Signer(name="Siân Roberts", profession="Senior nurse", role="co-reviewer"),
)


def summary_inputs(count: int) -> list[SummaryInput]:
    d = default_definition()
    out = []
    for seed, case in enumerate(synthetic_cases(count, prefix="BEN")):
        answers = complete_answers(d, case, random.Random(seed))
        out.append(
            SummaryInput(
                study_name="Benchmark study",
                study_id="BEN-1",
                case=case,
                definition=d,
                answers=answers,
                content_hash=hashlib.sha256(case.case_ref.encode()).hexdigest(),
                signers=SIGNERS,
                synthetic=True,
            )
        )
    return out


def heaviest(inputs: list[SummaryInput]) -> SummaryInput:
    """A fully answered poor-care case: problems, an escalation, long comments."""
    return max(inputs, key=lambda i: len(str(i.answers)))


def heaviest_input() -> SummaryInput:
    return heaviest(summary_inputs(40))
