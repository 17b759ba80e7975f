"""reviewer-app: structured case-note review of deaths, offline, signed and encrypted."""

__version__ = "0.1.0"
