"""The list of key figures (nyckeltalslista.yaml) and the comparison's layout checked
against it: a mistyped name is one Swedish error naming file and key (issue 19), never a
measure shown as "–" for all 13 municipalities."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from keyfigures import write

from pipeline import config
from pipeline.cli import main as cli
from pipeline.contract import comparison as comparison_layout
from pipeline.contract import datapackage, key_figures
from pipeline.contract import schema as contract

LOADERS = (
    contract.workbooks,
    contract.kommuner,
    contract.key_figure_format,
    key_figures.key_figures,
    comparison_layout.layout,
    comparison_layout.measures,
    comparison_layout.themes,
    comparison_layout.share_groups,
)


@pytest.fixture
def schemas(tmp_path, monkeypatch):
    """A copy of data/schemas/ the test may edit; the contract reloads from it."""
    folder = tmp_path / "schemas"
    shutil.copytree(config.SCHEMAS, folder)
    monkeypatch.setattr(config, "SCHEMAS", folder)
    for loader in LOADERS:
        loader.cache_clear()
    yield folder
    for loader in LOADERS:
        loader.cache_clear()


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _compare_says(tmp_path, capsys) -> str:
    region = tmp_path / "region"
    region.mkdir()
    write(region, "Habo", 2024)
    assert cli.main(["jamfor", "--in", str(region), "--ut", str(tmp_path / "ut")]) == 1
    assert not (tmp_path / "ut").exists()
    return capsys.readouterr().out


MISTAKES = {
    "a mistyped key figure": (
        "jamforelse.yaml",
        "    taljare: [forsta_samtal_inom_30_dagar]",
        "    taljare: [forsta_samtal_inom_30_dgar]",
        "jamforelse.yaml, mått andel_inom_30_dagar: okänt nyckeltal 'forsta_samtal_inom_30_dgar'; "
        "det finns inte i nyckeltalslista.yaml.",
    ),
    "a count column's key figure": (
        "jamforelse.yaml",
        "{nyckeltal: recept_i_retur, rubrik: Recept i retur}",
        "{nyckeltal: recept_retur, rubrik: Recept i retur}",
        "jamforelse.yaml, tema Inflöde och samtal, kolumn Recept i retur: okänt nyckeltal "
        "'recept_retur'; det finns inte i nyckeltalslista.yaml.",
    ),
    "a breakdown the figure does not have": (
        "jamforelse.yaml",
        "{nyckeltal: klienter_med_uppfoljning, dimension: foljsamhet,",
        "{nyckeltal: klienter_med_uppfoljning, dimension: kon,",
        "jamforelse.yaml, andelar Följsamhet: nyckeltalet klienter_med_uppfoljning har ingen "
        "uppdelning 'kon'; nyckeltalslista.yaml ger det uppdelningarna foljsamhet.",
    ),
    "a better direction that is none of the three": (
        "jamforelse.yaml",
        "    battre: lägre\n    taljare: [uteblivna_samtal]",
        "    battre: mindre\n    taljare: [uteblivna_samtal]",
        "jamforelse.yaml, mått andel_uteblivna: battre ska vara 'högre', 'lägre', 'ingen', "
        "inte 'mindre'.",
    ),
    "a misspelt key of a measure": (
        "jamforelse.yaml",
        "    namnare: [arenden_inkomna]\n    skala: 100\n    procent: true\n    definition: Årets "
        "ärenden vars",
        "    nämnare: [arenden_inkomna]\n    skala: 100\n    procent: true\n    definition: Årets "
        "ärenden vars",
        "jamforelse.yaml, mått andel_inom_30_dagar: okänd nyckel 'nämnare'.",
    ),
    "a part of the layout left over": (
        "jamforelse.yaml",
        "trend: [arenden_per_1000, andel_inom_30_dagar]",
        "diagram: [arenden_per_1000]\ntrend: [arenden_per_1000, andel_inom_30_dagar]",
        "jamforelse.yaml: okänd nyckel 'diagram'.",
    ),
    "a unit the list does not know": (
        "nyckeltalslista.yaml",
        "    namn: Deltagartimmar\n    enhet: timmar",
        "    namn: Deltagartimmar\n    enhet: h",
        "nyckeltalslista.yaml, nyckeltal deltagartimmar: okänd enhet 'h'; enheterna är antal, "
        "personer, timmar, dagar.",
    ),
    "a breakdown the contract does not have": (
        "nyckeltalslista.yaml",
        "    dimensioner: [foljsamhet]",
        "    dimensioner: [foljsamheten]",
        "nyckeltalslista.yaml, nyckeltal klienter_med_uppfoljning: okänd dimension "
        "'foljsamheten'; dimensionerna i nyckeltal.yaml är kanal, remittent, kon, aldersgrupp, "
        "fokusomrade, aktivitet, manad, foljsamhet.",
    ),
    "a key figure listed twice": (
        "nyckeltalslista.yaml",
        "  - id: far_inkomna",
        "  - id: arenden_inkomna",
        "nyckeltalslista.yaml: nyckeltalet 'arenden_inkomna' står två gånger.",
    ),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_mistake_in_the_layout_or_the_list_is_one_line_naming_file_and_key(
    schemas, tmp_path, capsys, case
):
    name, old, new, message = MISTAKES[case]
    _edit(schemas / name, old, new)
    with pytest.raises(contract.ContractError) as error:
        comparison_layout.measures()
    assert str(error.value) == message
    assert _compare_says(tmp_path, capsys) == f"Fel i kontraktet i {schemas}: {message}\n"


def test_the_list_names_what_the_contract_promises():
    listed = {f.id: f for f in key_figures.key_figures()}
    assert listed["klienter_med_uppfoljning"].dimensioner == ("foljsamhet",)
    assert listed["vantetid_dagar_median"].enhet == "dagar"
    assert listed["arenden_inkomna"].definition.startswith("Rader i Remisser med Inkom under året")
    assert set(listed["arenden_inkomna"].dimensioner) == {
        "kanal",
        "remittent",
        "kon",
        "aldersgrupp",
        "manad",
    }
    with pytest.raises(contract.ContractError) as error:
        key_figures.check([("arenden_inkomna", "kon"), ("recept", "")], "render.py")
    assert str(error.value) == (
        "render.py: okänt nyckeltal 'recept'; det finns inte i nyckeltalslista.yaml."
    )


def _names(csv_text: bytes | str) -> set[tuple[str, str]]:
    text = csv_text if isinstance(csv_text, str) else csv_text.decode("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {(r["nyckeltal"], r["dimension"]) for r in rows}


def test_the_figures_counted_today_are_all_in_the_list(example, base_report):
    """What figures/aggregate.py writes (the shipped example and the hand-counted year): every
    key figure and breakdown is a listed one, so the list can be the check when they load."""
    from pipeline.figures import aggregate

    counted = _names(example.csv) | _names(aggregate.to_csv(base_report.figures))
    key_figures.check(counted, "aggregate.py")  # raises on the first unlisted one
    assert {n for n, _ in counted} == {f.id for f in key_figures.key_figures()}


def test_the_descriptor_allows_only_listed_key_figures():
    schema = datapackage.key_figure_schema()
    field = next(f for f in schema["fields"] if f["name"] == "nyckeltal")
    assert field["constraints"]["enum"] == [f.id for f in key_figures.key_figures()]
