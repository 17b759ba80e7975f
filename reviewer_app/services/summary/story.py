"""The content of the PDF summary, in the order a reader needs it.

Full review: title, amendment notice, at a glance, patient and episode, screening and flags,
records, care scores by phase, themes, problems in care, avoidability, relatives, second
review, escalation and Duty of Candour, learning, anything else the definition asks, and the
signatures. Other outcomes (records missing, handed back, outside this method) get one page:
patient, outcome and reason, screening, signatures.

Sections are found by kind in the definition; nothing here knows how many themes or phases
there are or what they are called. From definition v2 the escalation block also prints what
every escalation takes from the review (triggers, worst harm and severity, avoidability with
its scale, care scores), in words (``domain/escalation_facts.py``); a v1 review, whose
escalations asked for these again, prints as it was made.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, KeepTogether, Paragraph

from reviewer_app.domain.definition import (
    AvoidabilityQuestion,
    CareScoreQuestion,
    Section,
    SectionKind,
)
from reviewer_app.domain.escalation_facts import (
    escalation_facts,
    facts_are_derived,
)
from reviewer_app.domain.escalation_words import fact_rows_in_words
from reviewer_app.domain.identifiers import format_nhs_number
from reviewer_app.domain.triggers import fired
from reviewer_app.domain.values import YES
from reviewer_app.services.pdf.blocks import (
    Grid,
    KeepStart,
    boxed,
    gap,
    header_table,
    note,
    para,
    question_table,
    section,
    subheading,
)
from reviewer_app.services.pdf.page import FRAME_HEIGHT, FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    DARK_BLUE,
    NHS_BLUE,
    PALE_BLUE,
    PALE_RED,
    RED,
    markup,
    styles,
    uk_date,
)
from reviewer_app.services.summary.answers import AnswerSource
from reviewer_app.services.summary.input import SummaryInput, SummaryOutcome
from reviewer_app.services.summary.signature_block import SignatureBox, signature_block
from reviewer_app.services.summary.tables import (
    avoidability_scale,
    group_cards,
    section_rows_table,
)
from reviewer_app.services.summary.taskforce import (
    TASKFORCE_NOTICE,
    setting_facts,
    taskforce_case_facts,
)

K = SectionKind
# Body sections after the phase and theme tables, in reading order; kinds not listed here
# (readiness, other, and any future kind) follow in definition order before the signatures.
_AFTER_THEMES = (K.PROBLEMS, K.AVOIDABILITY, K.RELATIVES, K.SECOND_REVIEW, K.ESCALATION, K.LEARNING)
_PLACED = {K.SCREENING, K.IMMEDIATE_SAFETY, K.OUTCOME, K.RECORDS, K.PHASE, K.THEME, *_AFTER_THEMES}

_OUTCOME_EXPLAINED = {
    SummaryOutcome.RECORDS_MISSING: (
        "The case could not be reviewed because records were missing. This signed summary "
        "records that outcome; no care scores or judgements of care were made."
    ),
    SummaryOutcome.HANDED_BACK: (
        "The reviewer declared a conflict of interest and handed the case back to the "
        "coordinator for another reviewer. No judgements of care were made."
    ),
    SummaryOutcome.OUTSIDE_METHOD: (
        "This death follows its own statutory process (for example child death review or a "
        "maternity investigation) and is not reviewed under this method."
    ),
}


_URGENT_NOTICE = (
    "URGENT: an immediate safety concern was recorded (a risk to current patients). "
    "See “Screening and flags”."
)


def _notice(content: Flowable, background: Any, border: Any) -> Flowable:
    return boxed([[content]], [FRAME_WIDTH], background=background, border=border)


class SummaryStory:
    """Builds the flowables of one summary; signature positions are collected in ``sink``."""

    def __init__(self, data: SummaryInput, sink: list[SignatureBox]) -> None:
        self.data = data
        self.src = AnswerSource(data)
        self.definition = data.definition
        self.sink = sink
        self.outcome = data.resolved_outcome

    def build(self) -> list[Flowable]:
        if self.outcome is SummaryOutcome.FULL_REVIEW:
            return self._full()
        return self._one_page()

    # --- the two layouts -------------------------------------------------------------------

    def _full(self) -> list[Flowable]:
        story: list[Flowable] = [*self._title(), *self._amendment(), *self._glance()]
        story += self._patient()
        story += self._screening()
        for records in self._sections(K.RECORDS):
            story += self._generic(records)
        story += self._phases()
        story += self._themes()
        for kind in _AFTER_THEMES:
            for sec in self._sections(kind):
                story += self._generic(sec)
        for sec in self.definition.sections:
            if sec.kind not in _PLACED and self.src.section_asked(sec):
                story += self._generic(sec)
        story += signature_block(self.data.signers, self.sink)
        return story

    def _one_page(self) -> list[Flowable]:
        """Every outcome other than a full review: one page, shrunk to fit if need be."""
        content: list[Flowable] = [*self._title(), *self._amendment(compact=True)]
        content += self._outcome_box()
        content += self._patient()
        content += self._screening()
        for sec in self.definition.sections:
            if sec.kind in {K.SCREENING, K.IMMEDIATE_SAFETY, K.OUTCOME}:
                continue
            # Only what was answered: an outcome other than a full review needs no more.
            answered = any(self.src.value(q) is not None for q in sec.questions)
            if self.src.section_asked(sec) and answered:
                content += self._generic(sec)
        content += signature_block(self.data.signers, self.sink, compact=True)
        return [KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT - 2, _flat(content), mode="shrink")]

    # --- blocks ------------------------------------------------------------------------------

    def _sections(self, kind: SectionKind) -> list[Section]:
        return [s for s in self.definition.sections_of_kind(kind) if self.src.section_asked(s)]

    def _title(self) -> list[Flowable]:
        s = styles()
        d = self.data
        title = "Case review summary"
        if d.taskforce_copy:
            title += ": taskforce copy"
        version = f"Version {d.version}"
        if d.supersedes is not None:
            version += f", amending version {d.supersedes}"
        line = (
            f"{markup(self.definition.title)} · {markup(d.study_name)} "
            f"({markup(d.study_id)})<br/>"
            f"Case <b>{markup(d.case.case_ref)}</b> · {version} · "
            f"Outcome: <b>{markup(self.outcome.label)}</b>"
        )
        out: list[Flowable] = [
            Paragraph(markup(title), s.title),
            Paragraph(line, s.subtitle),
            gap(3),
        ]
        if d.taskforce_copy:
            out += [_notice(para(TASKFORCE_NOTICE, "value"), PALE_BLUE, NHS_BLUE), gap(3)]
        if self._urgent():
            out += [_notice(Paragraph(_URGENT_NOTICE, s.banner), PALE_RED, RED), gap(3)]
        return out

    def _urgent(self) -> bool:
        return any(
            q.type == "yes_no" and self.src.asked(q) and self.src.value(q) == YES
            for sec in self._sections(K.IMMEDIATE_SAFETY)
            for q in sec.questions
        )

    def _amendment(self, compact: bool = False) -> list[Flowable]:
        d = self.data
        if d.supersedes is None:
            return []
        s = styles()
        rows: list[list[Any]] = [
            [
                Paragraph(
                    f"Amendment: version {d.version} supersedes version {d.supersedes}",
                    s.cell_bold,
                )
            ],
            [para(f"Reason: {self.src.safe(d.amendment_reason or 'Not recorded')}", "value")],
        ]
        out: list[Flowable] = [
            boxed(rows, [FRAME_WIDTH], background=PALE_BLUE, border=NHS_BLUE),
            gap(1.5),
        ]
        if d.changes:
            body = [
                [para(c.label, "cell"), para(self.src.safe(c.old)), para(self.src.safe(c.new))]
                for c in d.changes
            ]
            widths = [FRAME_WIDTH * 0.36, FRAME_WIDTH * 0.32, FRAME_WIDTH * 0.32]
            header = ["What changed", f"Version {d.supersedes}", f"Version {d.version}"]
            out.append(header_table(header, body, widths))
        else:
            out.append(note("No changed answers were listed for this amendment."))
        out.append(gap(2 if compact else 4))
        return out

    def _glance(self) -> list[Flowable]:
        src = self.src
        pairs: list[tuple[str, str]] = []
        wide: list[tuple[str, str]] = []
        for sec in self._sections(K.OUTCOME):
            for q in sec.questions:
                if src.asked(q):
                    (wide if q.type == "text" else pairs).append((q.label, src.show(q)))
        phases = self._sections(K.PHASE)
        overall = next((p for p in phases if p.key == "overall"), phases[-1] if phases else None)
        if overall is not None:
            for q in overall.questions:
                if isinstance(q, CareScoreQuestion) and src.asked(q):
                    pairs.append((overall.title, src.show(q)))
        for kind in (K.PROBLEMS, K.ESCALATION, K.IMMEDIATE_SAFETY):
            for sec in self._sections(kind):
                for q in sec.questions:
                    wanted = q.type in {"group", "single_choice"} or (
                        q.type == "yes_no" and kind is K.IMMEDIATE_SAFETY
                    )
                    # Only what was answered: the body lists the unanswered ones as such.
                    if wanted and src.asked(q) and src.value(q) is not None:
                        pairs.append((q.label, src.show(q)))
        for sec in self._sections(K.AVOIDABILITY):
            for q in sec.questions:
                if isinstance(q, AvoidabilityQuestion) and src.asked(q):
                    wide.append((q.label, src.show(q)))
        escalation = fired(self.definition.escalation_triggers, src.view)
        second = fired(self.definition.second_review_triggers, src.view)
        if self.definition.escalation_triggers:
            wide.append(("Escalation triggers", "; ".join(t.label for t in escalation) or "None"))
        if self.definition.second_review_triggers:
            wide.append(
                ("Second review expected because", "; ".join(t.label for t in second) or "None")
            )
        grid = Grid(title="At a glance", pairs=pairs, wide=wide)
        return [grid.table(), gap(2)]

    def _patient(self) -> list[Flowable]:
        c = self.data.case
        if self.data.taskforce_copy:  # coarsened: see services/summary/taskforce.py
            grid = Grid(pairs=taskforce_case_facts(c))
            return section("Patient and episode", [grid.table()])
        first = [
            ("Patient", c.display_name),
            ("NHS number", format_nhs_number(c.nhs_number)),
            ("Date of birth", f"{uk_date(c.date_of_birth)} (age at death {c.age_at_death})"),
            ("Sex", c.sex.value.capitalize()),
            ("Hospital number", c.hospital_number or "Not recorded"),
            ("Postcode", c.postcode or "Not recorded"),
        ]
        admission = uk_date(c.admission_date)
        if c.admission_method is not None:
            admission += f" ({c.admission_method.value})"
        discharge = uk_date(c.discharge_date) if c.discharge_date else "Died during the admission"
        episode = [
            ("Admission", admission),
            ("Discharge", discharge),
            ("Death", uk_date(c.date_of_death)),
            *setting_facts(c),
            ("GP practice", c.gp_practice_code or "Not recorded"),
            ("Learning disability (cohort data)", c.learning_disability.value.capitalize()),
        ]
        if len(first) % 2:
            first.append(episode.pop(0))
        grid = Grid(pairs=[*first, *episode])
        return section("Patient and episode", [grid.table()])

    def _screening(self) -> list[Flowable]:
        body: list[Flowable] = []
        for sec in [*self._sections(K.SCREENING), *self._sections(K.IMMEDIATE_SAFETY)]:
            table = question_table(self.src.rows(sec))
            if table is not None:
                body += [KeepStart([subheading(sec.title), table]), gap(1.5)]
        return section("Screening and flags", body)

    def _outcome_box(self) -> list[Flowable]:
        s = styles()
        rows: list[list[Any]] = [
            [Paragraph(f"Outcome: {markup(self.outcome.label)}", s.h2)],
            [para(_OUTCOME_EXPLAINED.get(self.outcome, ""), "value")],
        ]
        reasons = []
        for sec in self.definition.sections_of_kind(K.OUTCOME):
            for q in sec.questions:
                if q.type == "text" and self.src.asked(q):
                    reasons.append((q.label, self.src.show(q)))
        if self.data.outcome_reason is not None:
            reasons = [("Reason", self.src.safe(self.data.outcome_reason))]
        for label, shown in reasons:
            rows.append([Paragraph(f"<b>{markup(label)}:</b> {markup(shown)}", s.value)])
        return [boxed(rows, [FRAME_WIDTH], background=PALE_BLUE, border=DARK_BLUE), gap(2)]

    def _phases(self) -> list[Flowable]:
        phases = self._sections(K.PHASE)
        if not phases:
            return []
        body = section_rows_table(self.src, phases, "Phase of care", 44 * mm)
        legend = note(
            "Care scores (SJR): 1 very poor, 2 poor, 3 adequate, 4 good, 5 excellent. "
            "“Not asked”: the form did not ask this, given the answers before it."
        )
        return section("Care scores by phase", [*body, gap(1), legend])

    def _themes(self) -> list[Flowable]:
        themes = self._sections(K.THEME)
        if not themes:
            return []
        body = section_rows_table(self.src, themes, "Theme", 35 * mm)
        return section(f"Themes ({len(themes)})", [*body, gap(1)])

    def _generic(self, sec: Section) -> list[Flowable]:
        body: list[Flowable] = []
        if sec.kind is K.ESCALATION:
            triggers = fired(self.definition.escalation_triggers, self.src.view)
            text = "; ".join(t.label for t in triggers) or "None"
            body += [para(f"Escalation triggers in this review: {text}", "value"), gap(1.5)]
            body += self._escalation_facts()
        table = question_table(self.src.rows(sec))
        scales = [
            flowable
            for q in sec.questions
            if isinstance(q, AvoidabilityQuestion)
            for flowable in avoidability_scale(self.src, q)
        ]
        if table is not None and scales:
            body.append(KeepTogether([table, *scales]))  # the grade stays with its scale
        elif table is not None:
            body.append(table)
        else:
            body += scales
        for group in self.src.groups(sec):
            body += [gap(2), *group_cards(self.src, group)]
        title = sec.title
        if sec.kind is K.ESCALATION and "candour" not in title.lower():
            title += " and Duty of Candour"
        return section(title, [*body, gap(1)]) if body else []

    def _escalation_facts(self) -> list[Flowable]:
        """What every escalation carries from the review (definition v2 on), in words."""
        if not facts_are_derived(self.definition) or not any(
            self.src.items(group)
            for sec in self._sections(K.ESCALATION)
            for group in self.src.groups(sec)
        ):
            return []
        facts = escalation_facts(self.definition, self.src.answers)
        pairs = fact_rows_in_words(facts)
        rows = [(label, self.src.safe(text), len(text) > 70) for label, text in pairs]
        table = question_table(rows)
        heading = subheading("Carried by each escalation, from this review (not typed again)")
        return [KeepStart([heading, table]), gap(1.5)] if table is not None else []


def _flat(items: list[Flowable]) -> list[Flowable]:
    """Keep-together wrappers opened up: inside one shrunk frame there is nothing to keep."""
    out: list[Flowable] = []
    for item in items:
        if isinstance(item, KeepTogether):
            out += _flat(list(item._content))
        else:
            out.append(item)
    return out


__all__ = ["SummaryStory"]
