"""What a later revision of a signed summary may change: pyHanko's difference policy for it.

``ONLY_SIGNATURES`` (used by ``pades_verify``) is stricter than pyHanko's default policy,
which lets a later revision rewrite the document information dictionary and the XMP metadata
as "LTA updates": here a later revision may add or fill signature fields and nothing else,
save the /ModDate that pyHanko itself updates when it signs.
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import (
    CatalogModificationRule,
    FormUpdatingRule,
    ModificationLevel,
    ObjectStreamRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    XrefStreamRule,
)
from pyhanko.sign.diff_analysis.commons import compare_dicts, safe_whitelist
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule


class _ModDateOnly(WhitelistRule):
    """The document information dictionary may change its /ModDate only (pyHanko sets it
    to the signing time when it adds a signature); any other change to it is not a
    signature's."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Any:
        new_ref = new.trailer_view.get_value_as_reference("/Info", optional=True)
        old_ref = old.trailer_view.get_value_as_reference("/Info", optional=True)
        if new_ref is None and old_ref is None:
            return
        # read each through its own revision (a Reference alone resolves in the newest)
        old_info = None if old_ref is None else old(old_ref)
        new_info = None if new_ref is None else new(new_ref)
        compare_dicts(old_info, new_info, frozenset({"/ModDate"}))
        if new_ref is not None:
            check = Context.from_absolute(old, RawPdfPath("/Info"))
            for ref in safe_whitelist(old, old_ref, new_ref):
                yield ReferenceUpdate(ref, context_checked=check)


ONLY_SIGNATURES = StandardDiffPolicy(
    global_rules=[
        # the catalog may change its /AcroForm only (checked by the form rule below): no
        # /Metadata, /DSS, /Extensions, /Version... after the first signature
        CatalogModificationRule(ignored_keys=frozenset({"/AcroForm"})),  # type: ignore[no-untyped-call]
        _ModDateOnly().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[SigFieldCreationRule(), SigFieldModificationRule()]  # type: ignore[no-untyped-call]
    ),
)
"""What a later revision may do: add or fill signature fields (and their widgets), nothing
else; pyHanko's ``DEFAULT_DIFF_POLICY`` minus its document-information, XMP-metadata, DSS and
generic form-field rules."""
