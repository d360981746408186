"""The contract in data/schemas/ is the one source: values renamed there, schema files checked."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from pipeline import config
from pipeline.cli import main as cli
from pipeline.contract import comparison as comparison_layout
from pipeline.contract import key_figures
from pipeline.contract import schema as contract
from pipeline.figures.aggregate import compute, to_csv
from pipeline.validation.validate import validate
from tests.conftest import TODAY


@pytest.fixture
def schemas(tmp_path, monkeypatch):
    """A copy of data/schemas/ the test may edit; the contract reloads from it."""
    folder = tmp_path / "schemas"
    shutil.copytree(config.SCHEMAS, folder)
    monkeypatch.setattr(config, "SCHEMAS", folder)
    loaders = (
        contract.workbooks,
        contract.kommuner,
        contract.key_figure_format,
        comparison_layout.layout,
        comparison_layout.measures,
        comparison_layout.themes,
        comparison_layout.share_groups,
        key_figures.key_figures,
    )
    for loader in loaders:
        loader.cache_clear()
    yield folder
    for loader in loaders:
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


def test_renaming_headers_sections_and_sheets_keeps_the_report(schemas, tmp_path, example):
    """Headers, the Fält/Värde columns, a Texter section and two more sheets renamed: the
    same key figures and the very same Word report; messages use the new names."""
    from pipeline.figures import aggregate
    from pipeline.report.render import render

    raw = _example_renamed(
        schemas,
        tmp_path,
        ("verksamhet.yaml", "      - namn: Fält\n", "      - namn: Uppgift\n"),
        ("verksamhet.yaml", "      - namn: Värde\n", "      - namn: Innehåll\n"),
        ("verksamhet.yaml", "arbetssatt: Arbetssätt", "arbetssatt: Så arbetar vi"),
        ("verksamhet.yaml", "  - namn: Texter\n", "  - namn: Egna texter\n"),
        ("verksamhet.yaml", "  - namn: Tidigare år\n", "  - namn: Före programmet\n"),
        ("remisser.yaml", "      - namn: Inkom\n", "      - namn: Inkommen\n"),
    )
    book = load_workbook(raw / "verksamhet.xlsx")
    book["Uppgifter"]["A1"], book["Uppgifter"]["B1"] = "Uppgift", "Innehåll"
    book["Texter"].title = "Egna texter"
    for (cell,) in book["Egna texter"].iter_rows(min_row=2, max_col=1):
        cell.value = "Så arbetar vi" if cell.value == "Arbetssätt" else cell.value
    book["Tidigare år"].title = "Före programmet"
    book.save(raw / "verksamhet.xlsx")
    referrals = load_workbook(raw / "remisser.xlsx")
    referrals["Remisser"]["B1"] = "Inkommen"
    referrals.save(raw / "remisser.xlsx")
    result = validate(raw, today=TODAY)
    assert result.ok, [p.line() for p in result.errors][:3]
    figures = aggregate.compute(result.dataset)
    assert to_csv(figures) == EXPECTED.read_text(encoding="utf-8")
    report = render(result.dataset, figures, aggregate.previous_year(result.dataset))
    assert report.docx == example.report.docx
    # A missing field is named with the sheet's own column names.
    uppgifter = book["Uppgifter"]
    row = next(r for r in uppgifter.iter_rows(min_row=2) if r[0].value == "Startdatum")
    row[0].value = row[1].value = None
    book.save(raw / "verksamhet.xlsx")
    lines = [p.line() for p in validate(raw, today=TODAY).errors]
    assert (
        "Fel: verksamhet.xlsx, flik Uppgifter, kolumn Innehåll (Startdatum): Fältet Startdatum "
        "saknas. Lägg till en rad med Startdatum i kolumnen Uppgift och värdet i Innehåll."
    ) in lines, lines


def test_a_renamed_value_the_comparison_counts_by_is_named(schemas, tmp_path, capsys):
    """The comparison's measures name categories as the key-figure files write them; a
    value renamed in the contract but not in jamforelse.yaml is an error saying where."""
    _edit(schemas / "remisser.yaml", "delvis: Delvis", "delvis: Till viss del")
    message = (
        "jamforelse.yaml, mått andel_foljer_planen: klienter_med_uppfoljning/foljsamhet/Delvis "
        "finns inte; kategorierna i foljsamhet är Ja, Till viss del, Nej, uppgift saknas."
    )
    with pytest.raises(contract.ContractError) as error:
        comparison_layout.measures()
    assert str(error.value) == message
    region = tmp_path / "region"
    region.mkdir()
    assert cli.main(["jamfor", "--in", str(region), "--ut", str(tmp_path / "ut")]) == 1
    assert capsys.readouterr().out == f"Fel i kontraktet i {schemas}: {message}\n"


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
            "        unik: true\n        beskrivning: >-\n          En kod du själv",
            "        unik: true\n        ingen_formel: 'ja'\n        beskrivning: >-\n          En "
            "kod du själv",
            "remisser.yaml, flik Remisser, kolumn Klient-ID: ingen_formel ska vara true eller "
            "false.",
        ),
        (
            "        varden: {far: FaR, remiss: Remiss, egen_kontakt: Egen kontakt}\n",
            "        varden: {far: FaR, remiss: Remiss, egen_kontakt: Egen kontakt}\n"
            "        ingen_formel: true\n",
            "remisser.yaml, flik Remisser, kolumn Kanal: ingen_formel gäller text och koder; ett "
            "val tar bara kontraktets värden.",
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
            "remisser.yaml, flik Samtal: nyckeln 'remisser' används redan av fliken Remisser i "
            "remisser.yaml.",
        ),
        (
            "  - namn: Samtal\n    nyckel: samtal\n",
            "  - namn: Remisser\n    nyckel: samtal\n",
            "remisser.yaml: två flikar heter 'Remisser'.",
        ),
        (
            "      - namn: Datum\n        nyckel: datum\n        typ: datum\n        obligatorisk: "
            "true\n        beskrivning: Dagen för samtalet",
            "      - namn: Datum\n        nyckel: klient_id\n        typ: datum\n        "
            "obligatorisk: true\n        beskrivning: Dagen för samtalet",
            "remisser.yaml, flik Samtal: två kolumner har nyckeln 'klient_id'.",
        ),
        (
            "          flik: remisser\n          kolumn: klient_id",
            "          flik: remisser\n          kolum: klient_id",
            "remisser.yaml, flik Samtal, kolumn Klient-ID: finns_i ska ha just 'flik' och "
            "'kolumn'.",
        ),
        (
            "          flik: remisser\n          kolumn: klient_id",
            "          flik: aktiviteter\n          kolumn: aktivitet",
            "remisser.yaml, flik Samtal, kolumn Klient-ID: finns_i pekar på fliken Aktiviteter i "
            "aktiviteter.yaml; den ska vara i samma arbetsbok (varje arbetsbok kontrolleras för "
            "sig).",
        ),
        ("fil: remisser.xlsx\n", "", "remisser.yaml: 'fil' och 'flikar' måste finnas."),
        (
            "fil: remisser.xlsx\n",
            "fil: verksamhet.xlsx\n",
            "verksamhet.yaml: filen verksamhet.xlsx beskrivs redan i remisser.yaml.",
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
        contract.outcome("klar")


def test_the_command_line_names_a_broken_schema_file(schemas, tmp_path, capsys):
    """One Swedish line and exit 1, for the help text too; never a traceback."""
    _edit(
        schemas / "remisser.yaml",
        "        typ: datum\n        obligatorisk: true\n        beskrivning: Dagen remissen",
        "        typ: datumm\n        obligatorisk: true\n        beskrivning: Dagen remissen",
    )
    line = (
        f"Fel i kontraktet i {schemas}: remisser.yaml, flik Remisser, kolumn Inkom: okänd typ "
        "'datumm'; tillåtna typer: text, id, val, datum, heltal, decimaltal, kommun.\n"
    )
    for args in (["kontrollera", "--in", str(config.EXAMPLE), "--ut", str(tmp_path)], ["--help"]):
        assert cli.main(args) == 1
        captured = capsys.readouterr()
        assert (captured.out, captured.err) == (line, "")
