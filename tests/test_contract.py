"""The contract in data/schemas/ is the one source: values renamed there, schema files checked."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from pipeline import config, contract
from pipeline.aggregate import compute, to_csv
from pipeline.validate import validate
from tests.conftest import TODAY


@pytest.fixture
def schemas(tmp_path, monkeypatch):
    """A copy of data/schemas/ the test may edit; the contract reloads from it."""
    folder = tmp_path / "schemas"
    shutil.copytree(config.SCHEMAS, folder)
    monkeypatch.setattr(config, "SCHEMAS", folder)
    for loader in (contract.workbooks, contract.kommuner, contract.key_figure_format):
        loader.cache_clear()
    yield folder
    for loader in (contract.workbooks, contract.kommuner, contract.key_figure_format):
        loader.cache_clear()


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# The example's key figures as they must stay (tests/test_aggregate.py checks the file).
EXPECTED = config.ROOT / "tests" / "expected" / "Vaggeryd-2023-nyckeltal.csv"


def _example_renamed(schemas, tmp_path, *edits: tuple[str, str, str]):
    """The schema files edited (file, old, new) and a copy of the example to edit alike."""
    for name, old, new in edits:
        _edit(schemas / name, old, new)
    contract.workbooks.cache_clear()
    raw = tmp_path / "raw"
    shutil.copytree(config.EXAMPLE, raw)
    return raw


def _figures(raw) -> str:
    result = validate(raw, today=TODAY)
    assert result.ok, [p.line() for p in result.errors][:3]
    return to_csv(compute(result.dataset))


def test_renaming_choice_values_keeps_every_figure(schemas, tmp_path):
    raw = _example_renamed(
        schemas,
        tmp_path,
        ("remisser.yaml", "genomfort: Genomfört", "genomfort: Blev av"),
        ("remisser.yaml", "forsta_samtal: Första samtal", "forsta_samtal: Första mötet"),
    )
    book = load_workbook(raw / "remisser.xlsx")
    renamed = 0
    for row in book["Samtal"].iter_rows(min_row=2):
        for cell in row:
            if cell.value in ("Genomfört", "Första samtal"):
                cell.value = {"Genomfört": "Blev av", "Första samtal": "Första mötet"}[cell.value]
                renamed += 1
    assert renamed > 300
    book.save(raw / "remisser.xlsx")
    assert _figures(raw) == EXPECTED.read_text(encoding="utf-8")


def test_renaming_sheets_and_a_file_keeps_every_figure(schemas, tmp_path):
    """Sheet and file names live in the schema files too: code names sheets by key."""
    raw = _example_renamed(
        schemas,
        tmp_path,
        ("remisser.yaml", "  - namn: Samtal\n", "  - namn: Samtal och besök\n"),
        ("aktiviteter.yaml", "  - namn: Närvaro\n", "  - namn: Deltagande\n"),
        ("aktiviteter.yaml", "fil: aktiviteter.xlsx", "fil: grupper.xlsx"),
    )
    book = load_workbook(raw / "remisser.xlsx")
    book["Samtal"].title = "Samtal och besök"
    book.save(raw / "remisser.xlsx")
    book = load_workbook(raw / "aktiviteter.xlsx")
    book["Närvaro"].title = "Deltagande"
    book.save(raw / "grupper.xlsx")
    (raw / "aktiviteter.xlsx").unlink()
    assert _figures(raw) == EXPECTED.read_text(encoding="utf-8")
    # Messages name the sheets and the file as the schema files now call them.
    book["Deltagande"]["E2"] = 13
    book.save(raw / "grupper.xlsx")
    (raw / "remisser.xlsx").unlink()
    lines = [p.line() for p in validate(raw, today=TODAY).errors]
    assert (
        "Fel: grupper.xlsx, flik Deltagande, rad 2, kolumn Timmar: 13 är för stort. Största "
        "tillåtna värde är 12."
    ) in lines
    assert any(line.startswith("Fel: remisser.xlsx: Filen remisser.xlsx saknas") for line in lines)
    assert any(
        "Lägg alla tre arbetsböckerna i mappen: remisser.xlsx, grupper.xlsx" in line
        for line in lines
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "        typ: datum\n        obligatorisk: true\n        beskrivning: Dagen remissen",
            "        typ: datumm\n        obligatorisk: true\n        beskrivning: Dagen remissen",
            "remisser.yaml, flik Remisser, kolumn Inkom: okänd typ 'datumm'; tillåtna typer: "
            "text, id, val, datum, heltal, decimaltal, kommun.",
        ),
        (
            "        unik: true\n        beskrivning: >-\n          En kod du själv",
            "        unique: true\n        beskrivning: >-\n          En kod du själv",
            "remisser.yaml, flik Remisser, kolumn Klient-ID: okänd nyckel 'unique'.",
        ),
        (
            "          flik: remisser\n          kolumn: klient_id",
            "          flik: remisser\n          kolumn: klientid",
            "remisser.yaml, flik Samtal, kolumn Klient-ID: finns_i pekar på remisser/klientid, "
            "som inte finns.",
        ),
        (
            "          flik: remisser\n          kolumn: klient_id",
            "          flik: Remisser\n          kolumn: klient_id",
            "remisser.yaml, flik Samtal, kolumn Klient-ID: finns_i pekar på Remisser/klient_id, "
            "som inte finns.",
        ),
        (
            "  - namn: Samtal\n    nyckel: samtal\n",
            "  - namn: Samtal\n    nyckel: remisser\n",
            "remisser.yaml, flik Samtal: nyckeln 'remisser' används redan av fliken Remisser.",
        ),
        (
            "  - namn: Samtal\n    nyckel: samtal\n",
            "  - namn: Samtal\n",
            "remisser.yaml, flik Samtal: 'namn' och 'nyckel' måste finnas.",
        ),
        (
            "fil: remisser.xlsx\n",
            "fil: remisser.xlsx\nfiler: remisser.xlsx\n",
            "remisser.yaml: okänd nyckel 'filer'.",
        ),
        (
            "            varden: [uppfoljande_samtal]",
            "            varden: [uppföljning]",
            "remisser.yaml, flik Samtal, kolumn Följsamhet: 'uppföljning' är inget värde i "
            "Samtalstyp.",
        ),
    ],
)
def test_a_broken_schema_file_is_named_when_loaded(schemas, old, new, message):
    _edit(schemas / "remisser.yaml", old, new)
    with pytest.raises(contract.ContractError) as error:
        contract.workbooks()
    assert str(error.value) == message


def test_an_unknown_choice_key_in_code_is_an_error():
    with pytest.raises(contract.ContractError, match="inget värde med nyckeln 'klar'"):
        contract.UTFALL("klar")
