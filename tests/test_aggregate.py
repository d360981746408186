"""Key figures from a small hand-counted year (see conftest.BASE_ROWS)."""

from __future__ import annotations

import pytest

from pipeline import config
from pipeline.figures.aggregate import compute, to_csv
from pipeline.validation.validate import validate
from tests.conftest import TODAY


@pytest.fixture
def figures(base_report):
    assert base_report.result.ok, [p.line() for p in base_report.result.problems]
    return base_report.figures


def test_referrals_in_year_and_since_start(figures):
    assert figures.value("arenden_inkomna") == 5  # A3..A7
    assert figures.value("far_inkomna") == 3  # A3, A6 ('far' in lower case), A7
    assert figures.value("arenden_sedan_start") == 7
    assert figures.value("far_sedan_start") == 5


def test_first_conversation_counts_by_its_own_date(figures):
    # A2 came in December 2022 and was met in January 2023: it counts in 2023.
    # A7's first conversation is in January 2024: not in 2023, not "since start" either.
    assert figures.value("forsta_samtal") == 3  # A2, A5, A6
    assert figures.value("forsta_samtal_sedan_start") == 4  # + A1 in 2022


def test_other_conversations(figures):
    assert figures.value("uppfoljande_samtal") == 1
    assert figures.value("uteblivna_samtal") == 2
    assert figures.value("spontana_besok") == 1
    assert figures.value("avbojda") == 1
    assert figures.value("recept_i_retur") == 1
    assert figures.value("styrgruppsmoten") == 3
    assert figures.value("invanare") == 14000


def test_breakdowns_with_small_counts_suppressed(figures):
    kanal = {f.category: f.value for f in figures.breakdown("arenden_inkomna", "kanal")}
    assert kanal == {"FaR": 3, "Remiss": 1, "Egen kontakt": 1}
    remittent = {f.category: f.value for f in figures.breakdown("arenden_inkomna", "remittent")}
    assert remittent == {
        "Vårdcentral": 3,
        "Förening/civilsamhälle": 0,
        "Kommunal verksamhet": 1,
        "Annan": 0,
    }  # FaR and Remiss only: A5's own contact has no prescriber and is not "uppgift saknas"
    kon = {
        f.category: (f.value, f.suppressed, f.secondary)
        for f in figures.breakdown("arenden_inkomna", "kon")
    }
    # 3 women, 1 man, 1 unknown: all small (1–4), together 5, so no more need hiding.
    assert kon == {
        "Kvinna": (None, True, False),
        "Man": (None, True, False),
        "Annat/uppger ej": (None, True, False),
    }
    ages = {
        f.category: (f.suppressed, f.secondary)
        for f in figures.breakdown("arenden_inkomna", "aldersgrupp")
    }
    # Five groups of 1 and two of 0 behind a total of 5: even with every count hidden,
    # five "1–4" labels would say each is 1, so all are shown as ".." (secondary).
    assert ages == dict.fromkeys(ages, (True, True)) and len(ages) == 7


def test_suppression_threshold_is_a_setting(books):
    dataset = validate(books.write(), today=TODAY).dataset
    kon = {
        f.category: f.value
        for f in compute(dataset, threshold=0).breakdown("arenden_inkomna", "kon")
    }
    assert kon == {"Kvinna": 3, "Man": 1, "Annat/uppger ej": 1}
    ages = {
        f.category: f.value
        for f in compute(dataset, threshold=0).breakdown("arenden_inkomna", "aldersgrupp")
    }
    # 2023 − birth year: A3 73, A4 unknown, A5 13, A6 43, A7 80
    assert ages == {
        "0–17": 1,
        "18–29": 0,
        "30–44": 1,
        "45–64": 0,
        "65–79": 1,
        "80+": 1,
        "uppgift saknas": 1,
    }


def test_activity_figures(figures):
    value = figures.value
    assert value("aktiviteter", "aktivitet", "Gympa") == 1
    assert value("tillfallen", "aktivitet", "Gympa") == 2  # distinct dates in 2023
    assert value("unika_deltagare", "aktivitet", "Gympa") == 2
    assert value("deltagartillfallen", "aktivitet", "Gympa") == 3
    assert value("deltagartimmar", "aktivitet", "Promenad") == 3  # 2 × 1.5
    # P1 is in both Gympa and Promenad: once in the area.
    assert value("unika_deltagare", "fokusomrade", "Fysisk aktivitet") == 3
    assert value("aktiviteter", "fokusomrade", "Fysisk aktivitet") == 2
    assert value("tillfallen", "fokusomrade", "Fysisk aktivitet") == 3
    assert value("deltagartimmar", "fokusomrade", "Fysisk aktivitet") == 6
    # A lecture with a head count: 70 people × 1.5 hours; how many different people is
    # unknown, so the figure is left out (never 0).
    assert value("deltagartillfallen", "aktivitet", "Föreläsning om sömn") == 70
    assert value("deltagartimmar", "aktivitet", "Föreläsning om sömn") == 105
    assert value("unika_deltagare", "aktivitet", "Föreläsning om sömn") is None
    assert value("unika_deltagare", "fokusomrade", "Föreläsningar") is None
    assert value("aktiviteter", "fokusomrade", "Stress och återhämtning") == 0
    assert value("aktiviteter") == 4
    assert value("unika_deltagare") == 4
    assert value("deltagartimmar") == 3 + 3 + 4 + 105


def test_previous_year(books):
    dataset = validate(books.write(), today=TODAY).dataset
    last_year = compute(dataset, 2022)
    assert last_year.value("arenden_inkomna") == 2
    assert last_year.value("forsta_samtal") == 1
    assert last_year.value("deltagartimmar", "aktivitet", "Gympa") == 1


def test_csv_format(figures):
    text = to_csv(figures)
    lines = text.split("\n")
    assert lines[0] == (
        "schema_version,kommunkod,kommun,ar,nyckeltal,dimension,kategori,varde,undertryckt"
    )
    assert text.endswith("\n") and "\r" not in text
    assert "1,0665,Vaggeryd,2023,arenden_inkomna,,,5,0" in lines
    assert "1,0665,Vaggeryd,2023,arenden_inkomna,kon,Kvinna,,1" in lines
    assert "1,0665,Vaggeryd,2023,deltagartimmar,aktivitet,Promenad,3,0" in lines
    assert (
        '1,0665,Vaggeryd,2023,aktiviteter,fokusomrade,"Gemenskap, psykiskt välbefinnande '
        'och existentiell hälsa",0,0'
    ) in lines
    keys = [tuple(line.split(",")[4:7]) for line in lines[1:-1] if '"' not in line]
    assert keys == sorted(keys)


def test_decimal_numbers_use_a_point(books):
    books.rows["Närvaro"].append(["2023-05-01", "Matkurs", "P9", None, "1,25"])
    dataset = validate(books.write(), today=TODAY).dataset
    text = to_csv(compute(dataset))
    assert "1,0665,Vaggeryd,2023,deltagartimmar,aktivitet,Matkurs,5.25,0" in text.split("\n")


def test_csv_is_byte_identical_on_rerun(books):
    folder = books.write()
    first = to_csv(compute(validate(folder, today=TODAY).dataset))
    second = to_csv(compute(validate(folder, today=TODAY).dataset))
    assert first == second


def test_the_example_figures_are_unchanged(example):
    """The shipped example's key figures, byte for byte as tests/expected/ keeps them.

    A change to the code that moves a figure fails here. When the change is meant (a new
    figure, a corrected rule), write the new file with `make report` and check the diff:
    cp output/exempel/Vaggeryd-2023-nyckeltal.csv tests/expected/
    """
    expected = config.ROOT / "tests" / "expected" / "Vaggeryd-2023-nyckeltal.csv"
    assert example.csv.encode("utf-8") == expected.read_bytes()


def test_a_name_the_list_of_key_figures_lacks_is_an_error_not_a_dash(figures):
    """The report's text asks for figures by name: a misspelt one is an error naming who
    asked, never '–' in the report."""
    from pipeline.contract.schema import ContractError

    with pytest.raises(ContractError, match="okänt nyckeltal 'recept_retur'"):
        figures.value("recept_retur")
    with pytest.raises(ContractError, match="far_inkomna har ingen uppdelning 'kon'"):
        figures.breakdown("far_inkomna", "kon")


def test_counting_a_figure_the_list_lacks_is_an_error(books, monkeypatch):
    from pipeline.contract import key_figures
    from pipeline.contract.schema import ContractError

    listed = key_figures.key_figures()
    monkeypatch.setattr(
        key_figures, "key_figures", lambda: tuple(f for f in listed if f.id != "tillfallen")
    )
    key_figures._known.cache_clear()
    try:
        dataset = validate(books.write(), today=TODAY).dataset
        with pytest.raises(ContractError, match="pipeline/figures/aggregate.py: okänt nyckeltal"):
            compute(dataset)
    finally:
        key_figures._known.cache_clear()


# --- last year's file read back (from_csv) ------------------------------------------------

EXPECTED_CSV = config.ROOT / "tests" / "expected" / "Vaggeryd-2023-nyckeltal.csv"


def test_a_key_figure_file_reads_back_to_the_same_bytes():
    """from_csv is to_csv backwards: every figure, hidden or not, whole or decimal."""
    from pipeline.figures import aggregate

    data = EXPECTED_CSV.read_bytes()
    read = aggregate.from_csv(data)
    assert (read.kommunkod, read.kommun, read.year) == ("0665", "Vaggeryd", 2023)
    assert to_csv(read).encode("utf-8") == data
    hidden = [f for f in read.figures if f.suppressed]
    assert hidden and all(f.value is None and f.secondary for f in hidden)
    assert all(not f.secondary for f in read.figures if not f.suppressed)
    whole = read.value("aktiviteter")
    assert whole == 11 and isinstance(whole, int)
    decimal = aggregate.from_csv(data.replace(b",11,0\n", b",12.5,0\n", 1))
    assert decimal.value("aktiviteter") == 12.5


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda b: b + b"x" * 5_000_000, "filen är för stor"),
        (lambda b: b.replace(b",11,0\n", b",11,2\n", 1), "undertryckt ska vara 0 eller 1"),
        (lambda b: b.replace(b",11,0\n", b",11,1\n", 1), "undertryckt ska vara 0 eller 1"),
        (lambda b: b.replace(b",11,0\n", b",11.,0\n", 1), "'11.' är inget antal"),
        (lambda b: b.replace(b",11,0\n", b",,0\n", 1), None),
        (lambda b: b"", "rubrikraden är inte"),
        (lambda b: b.replace(b",11,0\n", b",11\n", 1), "en rad har fel antal fält"),
    ],
)
def test_a_key_figure_file_is_read_strictly(change, why):
    from pipeline.figures import aggregate

    data = change(EXPECTED_CSV.read_bytes())
    if why is None:  # an empty value is no value: read, not refused
        assert aggregate.from_csv(data).value("aktiviteter") is None
        return
    with pytest.raises(aggregate.KeyFigureFileError) as refused:
        aggregate.from_csv(data)
    assert why in str(refused.value)


def test_a_key_figure_file_of_5_000_000_bytes_is_read_and_one_byte_more_refused():
    from pipeline.figures import aggregate

    data = EXPECTED_CSV.read_bytes()
    padded = data + b"\n" * (aggregate.MAX_CSV_BYTES - len(data))  # empty lines are skipped
    assert len(padded) == 5_000_000
    assert aggregate.from_csv(padded).value("aktiviteter") == 11
    with pytest.raises(aggregate.KeyFigureFileError, match="för stor"):
        aggregate.from_csv(padded + b"\n")
