"""Every path the pipeline uses, built from the project root, and its settings."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCHEMAS = ROOT / "data" / "schemas"
RAW = ROOT / "data" / "raw"
EXAMPLE = ROOT / "data" / "example"
REGION = ROOT / "data" / "region"
TEMPLATES = ROOT / "templates"
OUTPUT = ROOT / "output"

REPORT_TEMPLATE = TEMPLATES / "verksamhetsberattelse.docx"
COMPARISON_TEMPLATE = TEMPLATES / "jamforelse.docx"

WORKBOOKS = ("remisser.xlsx", "aktiviteter.xlsx", "verksamhet.xlsx")


def suppression_threshold() -> int | None:
    """Small-count threshold: HALSOCENTER_UNDERTRYCK overrides the contract's default."""
    value = os.environ.get("HALSOCENTER_UNDERTRYCK")
    return int(value) if value not in (None, "") else None
