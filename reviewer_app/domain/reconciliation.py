"""The vocabularies of reconciling independent double reviews (issue 13).

- ``ConsensusMethod``: how a pair's discordance was settled.
- ``DiscordanceKind``: which of the method's discordance rules a difference falls under.
- ``CaseStage``: where a case stands for the coordinator's overview, from returns through
  consensus and second-stage review to closed.
"""

from __future__ import annotations

from reviewer_app.domain.labelled import LabelledEnum


class ConsensusMethod(LabelledEnum):
    """How the agreed value of a discordant item was reached."""

    PAIR_DISCUSSION = "pair_discussion", "Discussion of the pair"
    THIRD_REVIEWER = "third_reviewer", "Third reviewer"
    PANEL = "panel", "Panel"


class DiscordanceKind(LabelledEnum):
    """The discordance rules: a pair differing on any of these goes to consensus."""

    OUTCOME = "outcome", "Review outcome (full review or not)"
    AVOIDABILITY = "avoidability", "Avoidability (more likely than not vs not)"
    CARE_SCORE = "care_score", "Care score (2 or more apart, or across poor/adequate)"
    HARM = "harm", "A problem with harm (yes or probably) in one review only"
    ESCALATION = "escalation", "Escalation decision"
    IMMEDIATE_SAFETY = "immediate_safety", "Immediate safety concern"


class CaseStage(LabelledEnum):
    """A case's state in the study overview (``coordinator status``, the coordinator's window).

    A case is CLOSED only when its reviews are in, every discordance has a consensus and no
    second-stage review is owed or open.
    """

    NOT_ALLOCATED = "not_allocated", "Not allocated"
    AWAITING_RETURNS = "awaiting_returns", "Awaiting returns"
    ONE_OF_TWO = "one_of_two", "One of two returned"
    BOTH_RETURNED = "both_returned", "Both returned"
    IN_CONSENSUS = "in_consensus", "In consensus"
    SECOND_STAGE = "second_stage", "Second stage"
    CLOSED = "closed", "Closed"
    RECORDS_MISSING = "records_missing", "Records missing"
    HANDED_BACK = "handed_back", "Handed back"
    OUTSIDE_METHOD = "outside_method", "Outside the method"
