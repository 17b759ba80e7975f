"""Where the synthetic sample CSVs (invented people only) live inside the repository."""

from pathlib import Path

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"
