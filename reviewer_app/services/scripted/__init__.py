"""Scripted entry, for support staff and tests: a case's answers as a JSON file, printed and
set through the same review service (validation, status, audit) as the form
(``answers_file``)."""
