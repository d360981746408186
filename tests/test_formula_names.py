"""Names that reach nyckeltal.csv may not begin like a formula (contract, "Safety rules").

Activity names go into the key-figure file as typed; Excel runs a csv field that
begins with `=`, `+`, `-` or `@` (and a tab or carriage return before one). The
rule is declared in the contract (`ingen_formel`), checked with the other column
checks, shown in the README's tables, and guarded again where the csv is written.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.contract.docs import requirement_text
from pipeline.figures.aggregate import Figure, KeyFigures, to_csv
from pipeline.report import job as report_job
from pipeline.validation.column_checks import CheckContext, run_pandera
from pipeline.validation.validate import validate
from tests.conftest import TODAY

RENAMED = {
    "Gympa": "=Gympa",
    "Promenad": "+Promenad",
    "Matkurs": "-Matkurs",
    "Föreläsning om sömn": "@Föreläsning om sömn",
}
WORDS = {
    "=": "ett likhetstecken (=)",
    "+": "ett plustecken (+)",
    "-": "ett bindestreck eller minustecken (-)",
    "@": "ett snabel-a (@)",
}


def _problem(name: str) -> str:
    return (
        f"'{name}' börjar med {WORDS[name[0]]}. Namnet står i nyckeltalsfilen, och där tar "
        "Excel det för en formel."
    )


def test_activity_names_that_begin_like_a_formula_stop_the_report(books, tmp_path):
    for row in books.rows["Aktiviteter"]:
        row[0] = RENAMED[row[0]]
    for row in books.rows["Närvaro"]:
        row[1] = RENAMED[row[1]]
    books.rows["Plan"][0][1] = "- Promenader varje vecka"  # reaches only the Word report
    out = tmp_path / "out"
    result = report_job.build_report(books.write(), out, today=TODAY)

    assert result.status == report_job.Status.INPUT_ERRORS
    assert not list(out.glob("*nyckeltal.csv"))
    lines = [p.line() for p in result.validation.errors]
    assert [line for line in lines if "flik Aktiviteter" in line] == [
        f"Fel: aktiviteter.xlsx, flik Aktiviteter, rad {row}, kolumn Aktivitet: "
        f"{_problem(name)} Byt namn så att det inte börjar med {WORDS[name[0]]}, "
        f"t.ex. '{name[1:]}'."
        for row, name in enumerate(RENAMED.values(), start=2)
    ]
    attendance = [line for line in lines if "flik Närvaro" in line]
    assert len(attendance) == len(books.rows["Närvaro"])
    assert attendance[0] == (
        f"Fel: aktiviteter.xlsx, flik Närvaro, rad 2, kolumn Aktivitet: {_problem('=Gympa')} "
        "Byt namn så att det inte börjar med ett likhetstecken (=), här och i fliken Aktiviteter."
    )
    assert not [line for line in lines if "flik Plan" in line or "verksamhet" in line]


def test_an_unknown_name_that_begins_like_a_formula_is_told_to_be_renamed(books):
    books.rows["Närvaro"][0][1] = "=Okänd"
    result = validate(books.write(), today=TODAY)
    assert [p.message for p in result.errors] == [_problem("=Okänd")]


@pytest.mark.parametrize(
    ("value", "words"),
    [("\tGympa", "en tabb"), ("\rGympa", "en radbrytning (vagnretur)")],
)
def test_a_tab_or_carriage_return_first_is_refused_by_the_check(value, words):
    """Cleaning at the edge strips both from a cell; the check refuses them all the same."""
    column = contract.sheet("aktiviteter").column("aktivitet")
    data = pd.DataFrame({"aktivitet": [value, "Gympa", "Gympa+1"]}, dtype=object)
    found = run_pandera(data, (column,), CheckContext(year=2023))
    assert [(index, problem.split(". ")[0]) for index, _, _, problem, _ in found] == [
        (0, f"'{value}' börjar med {words}")
    ]


def test_the_rule_is_in_the_contract_and_the_readme():
    assert contract.sheet("aktiviteter").column("aktivitet").ingen_formel
    assert contract.sheet("narvaro").column("aktivitet").ingen_formel
    # The plan's activities reach only the Word report, where text cannot run.
    assert not contract.sheet("plan").column("aktivitet").ingen_formel
    column = contract.sheet("aktiviteter").column("aktivitet")
    assert requirement_text(column, {}, markdown=False) == (
        "obligatorisk; unik; får inte börja med =, +, -, @, tabb eller radbrytning"
    )
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        "| Aktivitet | text | obligatorisk; unik; får inte börja med `=`, `+`, `-`, `@`, tabb "
        "eller radbrytning |" in readme
    )


@pytest.mark.parametrize("kategori", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_the_csv_writer_refuses_a_field_that_begins_like_a_formula(kategori):
    figures = KeyFigures("0643", "Habo", 2023, [Figure("aktiviteter", "aktivitet", kategori, 1)])
    with pytest.raises(ValueError, match="begins like a formula"):
        to_csv(figures)
    ordinary = KeyFigures("0643", "Habo", 2023, [Figure("aktiviteter", "aktivitet", "Gympa", 1)])
    assert "aktiviteter,aktivitet,Gympa,1,0" in to_csv(ordinary)
