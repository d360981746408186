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
# The portal's own files on this computer (never in git): the SQLite database unless
# DATABASE_URL names another, and the generated secret key unless the environment gives one.
PORTAL_DATA = ROOT / "var"

REPORT_TEMPLATE = TEMPLATES / "verksamhetsberattelse.docx"
COMPARISON_TEMPLATE = TEMPLATES / "jamforelse.docx"

# The input workbooks by key: data/schemas/<key>.yaml describes each (its file name too).
WORKBOOKS = ("remisser", "aktiviteter", "verksamhet")


def suppression_threshold() -> int | None:
    """Small-count threshold: HALSOCENTER_UNDERTRYCK overrides the contract's default."""
    value = os.environ.get("HALSOCENTER_UNDERTRYCK")
    return int(value) if value not in (None, "") else None
