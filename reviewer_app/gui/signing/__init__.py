"""Sign-off in the desktop app: sign, co-sign, amend, print / open / save the stored signed
summary, and export every signed summary. ``menu_actions.SigningDesk`` is what the main window
uses.

Nothing in this package imports the signing or PDF libraries at module level: the work runs
in ``services.signing.background`` (which imports ``services.signing.signoff`` when first used) and
QtPdf is imported only when printing.
"""
