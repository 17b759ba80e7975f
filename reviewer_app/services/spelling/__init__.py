"""Spell checking of free text in British English with a clinical word list (checker.py)."""
