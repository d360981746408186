"""The documentation matches the code: README tables and Makefile targets."""

from __future__ import annotations

import re

from pipeline import config
from tools.readme_tabeller import updated_readme

README = config.ROOT / "README.md"


def test_readme_column_tables_match_the_contract():
    text = README.read_text(encoding="utf-8")
    assert updated_readme(text) == text, "kör: python -m tools.readme_tabeller"
    assert "| Klient-ID | kod (text) | obligatorisk; unik |" in text


def test_readme_starts_with_the_two_commands():
    first_block = README.read_text(encoding="utf-8").split("```")[1]
    assert "make report" in first_block and "make test" in first_block


def test_every_make_target_is_documented():
    makefile = (config.ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z-]+):.*## ", makefile, flags=re.M)
    readme = README.read_text(encoding="utf-8")
    assert {"report", "check", "test", "clean"} <= set(targets)
    for target in targets:
        if target not in ("help", "lint"):
            assert f"make {target}" in readme, target
