"""The analysts' exports of a study: coded, pseudonymous CSV files and the report's tables."""
