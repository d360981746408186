"""Bad input: every kind gets its own Swedish message with file, sheet, row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from pipeline.cli import main as cli
from pipeline.validation.inspect_xlsx import OLE_MAGIC
from pipeline.validation.validate import validate
from tests.conftest import TODAY

D = dt.date


def _set(sheet, row, column, value):
    def change(books):
        books.rows[sheet][row][column] = value

    return change


BAD_INPUT = {
    "val med stavfel": (
        _set("Remisser", 0, 2, "Farr"),
        "Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Kanal: Värdet 'Farr' är inte "
        "tillåtet. Tillåtna värden: FaR, Remiss, Egen kontakt.",
    ),
    "datum som 1/3 2023": (
        _set("Remisser", 1, 1, "1/3 2023"),
        "Fel: remisser.xlsx, flik Remisser, rad 3, kolumn Inkom: '1/3 2023' är inte ett datum. "
        "Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-01) eller som ett datum i Excel.",
    ),
    "datum som inte finns": (
        _set("Remisser", 1, 1, "2023-02-30"),
        "Fel: remisser.xlsx, flik Remisser, rad 3, kolumn Inkom: '2023-02-30' är inget giltigt "
        "datum (dagen eller månaden finns inte). Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. "
        "2023-03-01) eller som ett datum i Excel.",
    ),
    "datum som tal utan datumformat": (
        _set("Samtal", 0, 1, 44927),
        "Fel: remisser.xlsx, flik Samtal, rad 2, kolumn Datum: 44927 är ett tal, inte ett "
        "datum. Cellen saknar kanske datumformat i Excel. Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. "
        "2023-03-01) eller som ett datum i Excel.",
    ),
    "datum före 1990": (
        _set("Remisser", 2, 1, D(1985, 1, 1)),
        "Fel: remisser.xlsx, flik Remisser, rad 4, kolumn Inkom: Datumet 1985-01-01 är före "
        "1990. Kontrollera årtalet.",
    ),
    "datum i framtiden": (
        _set("Samtal", 2, 1, D(2027, 1, 1)),
        "Fel: remisser.xlsx, flik Samtal, rad 4, kolumn Datum: Datumet 2027-01-01 ligger i "
        "framtiden. Kontrollera datumet; fyll bara i det som har hänt.",
    ),
    "negativt antal": (
        lambda b: b.rows["Närvaro"][7].__setitem__(3, -2),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 9, kolumn Antal: -2 är för litet. Minsta "
        "tillåtna värde är 1.",
    ),
    "timmar som text": (
        _set("Närvaro", 3, 4, "en"),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 5, kolumn Timmar: 'en' är inte ett tal. "
        "Skriv Timmar som ett tal (decimalkomma går bra), större än 0 och högst 12, t.ex. 1,5.",
    ),
    "för många timmar": (
        _set("Närvaro", 3, 4, 13),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 5, kolumn Timmar: 13 är för stort. Största "
        "tillåtna värde är 12.",
    ),
    "noll timmar": (
        _set("Närvaro", 3, 4, 0),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 5, kolumn Timmar: 0 är för litet. Värdet "
        "måste vara större än 0.",
    ),
    "antal med decimaler": (
        lambda b: b.rows["Närvaro"][7].__setitem__(3, 2.5),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 9, kolumn Antal: 2,5 är inte ett heltal. "
        "Skriv Antal som ett heltal, bara siffror, minst 1, t.ex. 70.",
    ),
    "födelseår efter rapportåret": (
        _set("Remisser", 6, 6, 2030),
        "Fel: remisser.xlsx, flik Remisser, rad 8, kolumn Födelseår: 2030 är för stort. "
        "Största tillåtna värde är 2023.",
    ),
    "dubblett av Klient-ID": (
        _set("Remisser", 3, 0, "A3"),
        "Fel: remisser.xlsx, flik Remisser, rad 5, kolumn Klient-ID: 'A3' finns på flera rader. "
        "Varje Klient-ID får bara förekomma en gång i fliken.",
    ),
    "Klient-ID som saknas i Remisser": (
        _set("Samtal", 0, 0, "X9"),
        "Fel: remisser.xlsx, flik Samtal, rad 2, kolumn Klient-ID: 'X9' finns inte i fliken "
        "Remisser. Lägg till raden i fliken Remisser eller rätta stavningen.",
    ),
    "Aktivitet som saknas i Aktiviteter": (
        _set("Närvaro", 4, 1, "Gymma"),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 6, kolumn Aktivitet: 'Gymma' finns inte i "
        "fliken Aktiviteter. Lägg till raden i fliken Aktiviteter eller rätta stavningen.",
    ),
    "personnummer med sekel och bindestreck": (
        _set("Remisser", 4, 0, "19680101-1239"),
        "Fel: remisser.xlsx, flik Remisser, rad 6, kolumn Klient-ID: Värdet ser ut som ett "
        "personnummer (ÅÅMMDD-XXXX). Personnummer får inte finnas i underlaget. Använd en egen "
        "kod i stället, t.ex. K0231.",
    ),
    "personnummer utan sekel och utan skiljetecken": (
        _set("Närvaro", 0, 2, "6801011239"),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 2, kolumn Deltagar-ID: Värdet ser ut som ett "
        "personnummer (ÅÅMMDD-XXXX). Personnummer får inte finnas i underlaget. Använd en egen "
        "kod i stället, t.ex. K0231.",
    ),
    "samordningsnummer med plus": (
        _set("Närvaro", 0, 2, "680161+1234"),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 2, kolumn Deltagar-ID: Värdet ser ut som ett "
        "personnummer (ÅÅMMDD-XXXX). Personnummer får inte finnas i underlaget. Använd en egen "
        "kod i stället, t.ex. K0231.",
    ),
    "remittent saknas vid FaR": (
        _set("Remisser", 5, 3, None),
        "Fel: remisser.xlsx, flik Remisser, rad 7, kolumn Remittent: Värde saknas. Remittent "
        "måste fyllas i när Kanal inte är Egen kontakt.",
    ),
    "Klient-ID saknas vid första samtal": (
        _set("Samtal", 1, 0, None),
        "Fel: remisser.xlsx, flik Samtal, rad 3, kolumn Klient-ID: Värde saknas. Klient-ID "
        "måste fyllas i när Samtalstyp är Första samtal eller Uppföljande samtal.",
    ),
    "obligatoriskt värde saknas": (
        _set("Samtal", 1, 3, None),
        "Fel: remisser.xlsx, flik Samtal, rad 3, kolumn Utfall: Värde saknas. Kolumnen Utfall "
        "måste fyllas i.",
    ),
    "både Deltagar-ID och Antal": (
        _set("Närvaro", 0, 3, 5),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 2, kolumn Deltagar-ID / Antal: Både "
        "Deltagar-ID och Antal är ifyllda. Fyll i exakt en av Deltagar-ID och Antal: "
        "Deltagar-ID för en enskild deltagare, Antal för en grupp utan koder.",
    ),
    "varken Deltagar-ID eller Antal": (
        _set("Närvaro", 1, 2, None),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 3, kolumn Deltagar-ID / Antal: Varken "
        "Deltagar-ID eller Antal är ifyllt. Fyll i exakt en av Deltagar-ID och Antal: "
        "Deltagar-ID för en enskild deltagare, Antal för en grupp utan koder.",
    ),
    "okänd kommun": (
        _set("Uppgifter", 0, 1, "Växjö"),
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 2, kolumn Värde (Kommun): Värdet 'Växjö' är "
        "inte tillåtet. Tillåtna värden: Aneby, Gnosjö, Mullsjö, Habo, Gislaved, Vaggeryd, "
        "Jönköping, Nässjö, Värnamo, Sävsjö, Vetlanda, Eksjö, Tranås.",
    ),
    "rapportår saknas": (
        lambda b: b.rows["Uppgifter"].pop(1),
        "Fel: verksamhet.xlsx, flik Uppgifter, kolumn Värde (År): Fältet År saknas. Lägg till "
        "en rad med År i kolumnen Fält och värdet i Värde.",
    ),
    "startdatum som text": (
        _set("Uppgifter", 2, 1, "hösten 2021"),
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 4, kolumn Värde (Startdatum): 'hösten 2021' "
        "är inte ett datum. Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-01) eller som ett "
        "datum i Excel.",
    ),
    "okänt avsnitt i Texter": (
        _set("Texter", 0, 0, "Inledning"),
        "Fel: verksamhet.xlsx, flik Texter, rad 2, kolumn Avsnitt: Värdet 'Inledning' är inte "
        "tillåtet. Tillåtna värden: Arbetssätt, Samverkan, Inflöde, Styrgrupp, Lokal "
        "beskrivning, Statistik, Övrigt.",
    ),
    "kön med stavfel": (
        _set("Remisser", 0, 5, "Kvina"),
        "Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Kön: Värdet 'Kvina' är inte tillåtet. "
        "Tillåtna värden: Kvinna, Man, Annat/uppger ej.",
    ),
    "avböjde med annat värde": (
        _set("Remisser", 0, 7, "Kanske"),
        "Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Avböjde: Värdet 'Kanske' är inte "
        "tillåtet. Tillåtna värden: Ja, Nej.",
    ),
    "samtalstyp med stavfel": (
        _set("Samtal", 0, 2, "Förstasamtal"),
        "Fel: remisser.xlsx, flik Samtal, rad 2, kolumn Samtalstyp: Värdet 'Förstasamtal' är "
        "inte tillåtet. Tillåtna värden: Första samtal, Uppföljande samtal, Spontant besök.",
    ),
    "utfall med stavfel": (
        _set("Samtal", 0, 3, "Genomförd"),
        "Fel: remisser.xlsx, flik Samtal, rad 2, kolumn Utfall: Värdet 'Genomförd' är inte "
        "tillåtet. Tillåtna värden: Genomfört, Uteblev.",
    ),
    "aktivitetstyp med stavfel": (
        _set("Aktiviteter", 0, 2, "Gruppen"),
        "Fel: aktiviteter.xlsx, flik Aktiviteter, rad 2, kolumn Typ: Värdet 'Gruppen' är inte "
        "tillåtet. Tillåtna värden: Grupp, Kurs, Föreläsning, Evenemang.",
    ),
    "okänt fokusområde i planen": (
        _set("Plan", 0, 0, "Motion"),
        "Fel: verksamhet.xlsx, flik Plan, rad 2, kolumn Fokusområde: Värdet 'Motion' är inte "
        "tillåtet. Tillåtna värden: Fysisk aktivitet, Matvanor, Stress och återhämtning, "
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa, Spontana besök, "
        "Föreläsningar, Övrigt.",
    ),
    "dubblett av Aktivitet": (
        _set("Aktiviteter", 1, 0, "Gympa"),
        "Fel: aktiviteter.xlsx, flik Aktiviteter, rad 3, kolumn Aktivitet: 'Gympa' finns på "
        "flera rader. Varje Aktivitet får bara förekomma en gång i fliken.",
    ),
    "aktivitet saknas i planen": (
        _set("Plan", 1, 1, None),
        "Fel: verksamhet.xlsx, flik Plan, rad 3, kolumn Aktivitet: Värde saknas. Kolumnen "
        "Aktivitet måste fyllas i.",
    ),
    "text saknas i Texter": (
        _set("Texter", 1, 1, None),
        "Fel: verksamhet.xlsx, flik Texter, rad 3, kolumn Text: Värde saknas. Kolumnen Text "
        "måste fyllas i.",
    ),
    "inkom saknas": (
        _set("Remisser", 2, 1, None),
        "Fel: remisser.xlsx, flik Remisser, rad 4, kolumn Inkom: Värde saknas. Kolumnen Inkom "
        "måste fyllas i.",
    ),
    "retur som text": (
        _set("Remisser", 3, 8, "i mars"),
        "Fel: remisser.xlsx, flik Remisser, rad 5, kolumn Retur: 'i mars' är inte ett datum. "
        "Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-01) eller som ett datum i Excel.",
    ),
    "födelseår som text": (
        _set("Remisser", 0, 6, "sextiotal"),
        "Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Födelseår: 'sextiotal' är inte ett "
        "heltal. Skriv Födelseår som ett heltal, bara siffror, från 1900 till rapportåret, "
        "t.ex. 1968.",
    ),
    "negativa timmar": (
        _set("Närvaro", 3, 4, -1),
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 5, kolumn Timmar: -1 är för litet. Värdet "
        "måste vara större än 0.",
    ),
    "negativt invånarantal": (
        _set("Uppgifter", 3, 1, -5),
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 5, kolumn Värde (Invånare): -5 är för litet. "
        "Minsta tillåtna värde är 1.",
    ),
    "styrgruppsmöten som text": (
        _set("Uppgifter", 4, 1, "fyra"),
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 6, kolumn Värde (Styrgruppsmöten): 'fyra' är "
        "inte ett heltal. Skriv Styrgruppsmöten som ett heltal, bara siffror, minst 0, "
        "t.ex. 12.",
    ),
    "kommun saknas": (
        lambda b: b.rows["Uppgifter"].pop(0),
        "Fel: verksamhet.xlsx, flik Uppgifter, kolumn Värde (Kommun): Fältet Kommun saknas. "
        "Lägg till en rad med Kommun i kolumnen Fält och värdet i Värde.",
    ),
    "samma fält två gånger": (
        lambda b: b.rows["Uppgifter"].append(["År", 2024]),
        "Fel: verksamhet.xlsx, flik Uppgifter, rad 7, kolumn Fält: Fältet År står på flera "
        "rader. Ta bort den ena raden.",
    ),
    "kolumn med nästan rätt namn": (
        lambda b: b.headers["Aktiviteter"].__setitem__(1, "Fokusomrde"),
        "Fel: aktiviteter.xlsx, flik Aktiviteter, rad 1, kolumn Fokusområde: Kolumnen "
        "Fokusområde saknas i rubrikraden. Menade du 'Fokusomrde'? Byt namn på den kolumnen "
        "till 'Fokusområde'. Rubrikerna ska stå på rad 1, som i mallen.",
    ),
}


def _rename_to(suffix):
    def change(folder):
        (folder / "remisser.xlsx").rename(folder / f"remisser{suffix}")

    return change


def _merge_cells(folder):
    book = load_workbook(folder / "remisser.xlsx")
    book["Remisser"].merge_cells("C3:C5")
    book.save(folder / "remisser.xlsx")


def _formula_without_value(folder):
    book = load_workbook(folder / "aktiviteter.xlsx")
    book["Närvaro"]["E4"] = "=E3*2"  # openpyxl saves no computed result
    book.save(folder / "aktiviteter.xlsx")


def _only_headers(folder):
    book = load_workbook(folder / "aktiviteter.xlsx")
    for sheet in book.worksheets:
        sheet.delete_rows(2, sheet.max_row)
    book.save(folder / "aktiviteter.xlsx")


def _other_format(suffix):
    return (
        f"Fel: remisser.xlsx: Filen remisser.xlsx saknas, men remisser{suffix} finns. "
        "Programmet läser bara Excel-arbetsböcker (.xlsx). Öppna filen i Excel och välj Spara "
        "som > Excel-arbetsbok (*.xlsx) med namnet remisser.xlsx."
    )


FILE_CASES = {
    "arbetsbok saknas": (
        lambda folder: (folder / "aktiviteter.xlsx").unlink(),
        "Fel: aktiviteter.xlsx: Filen aktiviteter.xlsx saknas i {folder}. Lägg alla tre "
        "arbetsböckerna i mappen: remisser.xlsx, aktiviteter.xlsx, verksamhet.xlsx.",
    ),
    "sparad som .xls": (_rename_to(".xls"), _other_format(".xls")),
    "sparad som .xlsm": (_rename_to(".xlsm"), _other_format(".xlsm")),
    "sparad som .ods": (_rename_to(".ods"), _other_format(".ods")),
    "sparad som .csv": (_rename_to(".csv"), _other_format(".csv")),
    "tom fil": (
        lambda folder: (folder / "remisser.xlsx").write_bytes(b""),
        "Fel: remisser.xlsx: Filen är tom (0 byte). Spara arbetsboken på nytt från Excel som "
        ".xlsx.",
    ),
    "trasig fil": (
        lambda folder: (folder / "aktiviteter.xlsx").write_bytes(b"PK\x03\x04 not a workbook"),
        "Fel: aktiviteter.xlsx: Filen går inte att öppna som en Excel-arbetsbok (.xlsx). Den "
        "kan vara skadad eller lösenordsskyddad. Öppna den i Excel, ta bort ett eventuellt "
        "lösenord och spara som Excel-arbetsbok (.xlsx).",
    ),
    "lösenordsskyddad fil": (
        lambda folder: (folder / "verksamhet.xlsx").write_bytes(OLE_MAGIC + b"\0" * 504),
        "Fel: verksamhet.xlsx: Filen är lösenordsskyddad, eller sparad i det gamla "
        "Excel-formatet (.xls) fast namnet slutar på .xlsx. Öppna den i Excel, ta bort "
        "lösenordet (Arkiv > Information > Skydda arbetsbok) och spara som Excel-arbetsbok "
        "(.xlsx).",
    ),
    "bara rubriker": (
        _only_headers,
        "Fel: aktiviteter.xlsx: Arbetsboken innehåller bara rubriker, inga rader med "
        "uppgifter. Fyll i uppgifterna, eller kontrollera att du sparade rätt fil.",
    ),
    "sammanfogade celler": (
        _merge_cells,
        "Fel: remisser.xlsx, flik Remisser, rad 3, kolumn Kanal: Sammanfogade celler (C3:C5). "
        "Bara den första cellen har ett värde, de andra raderna blir tomma. Markera cellerna och "
        "välj Sammanfoga och centrera > Dela upp celler; fyll sedan i värdet på varje rad.",
    ),
    "formel utan sparat resultat": (
        _formula_without_value,
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 4, kolumn Timmar: Cellen E4 innehåller en "
        "formel utan sparat resultat. Öppna filen i Excel och spara den igen, så sparas "
        "resultatet. Eller skriv in värdet i stället för formeln.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_reported_in_swedish(books, case, tmp_path, capsys):
    change, expected = BAD_INPUT[case]
    change(books)
    # Through the command line, which validates: the exact line, exit 1, no report.
    _assert_cli_fails(books.write(), tmp_path, capsys, expected)


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_bad_files_are_reported_in_swedish(books, case, tmp_path, capsys):
    change, expected = FILE_CASES[case]
    folder = books.write()
    change(folder)
    expected = expected.format(folder=folder)
    _assert_cli_fails(folder, tmp_path, capsys, expected)


def _assert_cli_fails(folder, tmp_path, capsys, expected):
    """The command line says the same, exits 1 and writes no report."""
    out = tmp_path / "out"
    assert cli.main(["report", "--raw", str(folder), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert expected in printed.splitlines()  # a whole line, as validate() said it
    assert "Traceback" not in printed
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [
        "valideringsrapport.xlsx"
    ]


def test_there_are_at_least_forty_kinds_of_bad_input():
    assert len(BAD_INPUT) + len(FILE_CASES) >= 40


def test_all_problems_are_reported_at_once(books):
    for change, _ in BAD_INPUT.values():
        if change.__name__ == "change":
            change(books)
    result = validate(books.write(), today=TODAY)
    sheets = {(p.file, p.sheet) for p in result.errors}
    assert len(result.errors) >= 15
    assert ("remisser.xlsx", "Remisser") in sheets and ("aktiviteter.xlsx", "Närvaro") in sheets


def test_personnummer_never_appears_in_a_problem(books):
    books.rows["Remisser"][4][0] = "19680101-1239"
    books.rows["Samtal"][4][0] = "19680101-1239"  # the same number as an orphan reference
    result = validate(books.write(), today=TODAY)
    text = "\n".join(f"{p.value} {p.message} {p.fix}" for p in result.problems)
    assert "1239" not in text and "680101" not in text
    assert "ÅÅMMDD-XXXX" in text


def test_choice_values_ignore_case_and_spaces(books):
    # conftest already uses 'far', ' Vårdcentral ', 'kvinna' and 'nej'.
    result = validate(books.write(), today=TODAY)
    assert result.ok
    remisser = result.dataset.remisser
    assert remisser.loc[7, "kanal"] == "FaR" and remisser.loc[7, "remittent"] == "Vårdcentral"
    assert remisser.loc[7, "kon"] == "Kvinna"


def test_headers_ignore_case_and_non_breaking_spaces(books):
    books.headers["Remisser"][0] = "\u00a0klient-id "
    books.headers["Samtal"][2] = "SAMTALSTYP"
    assert validate(books.write(), today=TODAY).ok


def test_missing_sheet(books):
    books.rows["Samtal"] = []
    folder = books.write()
    from openpyxl import load_workbook

    book = load_workbook(folder / "remisser.xlsx")
    book["Samtal"].title = "Samtal 2023"
    book.save(folder / "remisser.xlsx")
    lines = [p.line() for p in validate(folder, today=TODAY).errors]
    assert lines == [
        "Fel: remisser.xlsx, flik Samtal: Fliken Samtal saknas. Arbetsboken har "
        "flikarna: Remisser, Samtal 2023. Lägg till fliken Samtal eller byt namn "
        "på rätt flik."
    ]


def test_lock_file_beside_the_workbook_is_ignored(books):
    folder = books.write()
    (folder / "~$remisser.xlsx").write_bytes(b"owner lock")
    assert validate(folder, today=TODAY).ok


def test_empty_rows_and_extra_columns_are_notices(books):
    books.rows["Remisser"].insert(2, [None] * 9)
    books.headers["Plan"].append("Anteckning")
    result = validate(books.write(), today=TODAY)
    assert result.ok
    lines = [p.line() for p in result.problems]
    assert "Notis: remisser.xlsx, flik Remisser: 1 helt tomma rader hoppades över." in lines
    assert (
        "Notis: verksamhet.xlsx, flik Plan, rad 1, kolumn Anteckning: Kolumnen Anteckning "
        "finns inte i mallen och hoppas över."
    ) in lines
    remisser = next(s for s in result.sheets if s.sheet == "Remisser")
    assert (remisser.rows_read, remisser.empty_rows, remisser.error_rows) == (8, 1, 0)
    # Rows after the empty one keep their Excel row numbers.
    assert list(result.dataset.remisser.index) == [2, 3, 5, 6, 7, 8, 9]


def test_rows_with_errors_are_counted(books):
    books.rows["Remisser"][0][2] = "Farr"
    books.rows["Remisser"][0][1] = "igår"
    books.rows["Remisser"][1][2] = "Farr"
    result = validate(books.write(), today=TODAY)
    remisser = next(s for s in result.sheets if s.sheet == "Remisser")
    assert remisser.error_rows == 2


def test_large_workbooks_are_validated_side_by_side(books, monkeypatch):
    """The parallel path (a spawned helper process) gives the same result as one process."""
    from pipeline.validation import validate as validation

    folder = books.write()
    alone = validate(folder, today=TODAY)
    monkeypatch.setattr(validation, "PARALLEL_BYTES", 0)
    together = validate(folder, today=TODAY)
    assert together.problems == alone.problems
    assert together.ok
    for name in ("remisser", "samtal", "aktiviteter", "narvaro"):
        assert getattr(together.dataset, name).equals(getattr(alone.dataset, name))


def test_large_workbooks_are_scanned_for_formulas_in_a_second_process(books, monkeypatch):
    """The background formula scan (a second process for large files) finds what the scan
    in this process finds; when the helper fails, the scan is done here instead."""
    from pipeline.validation import inspect_xlsx

    folder = books.write()
    _formula_without_value(folder)
    path = folder / "aktiviteter.xlsx"
    here = inspect_xlsx.formulas_without_value(path)
    assert here == {"Närvaro": ["E4"]}
    monkeypatch.setattr(inspect_xlsx, "BACKGROUND_BYTES", 0)
    workbooks = {path.name: path.read_bytes()}
    scan = inspect_xlsx.FormulaScan(workbooks)
    assert scan._helper is not None  # really in a second process
    assert scan.result(path.name) == here
    failed = inspect_xlsx.FormulaScan(workbooks)
    failed._helper._process.kill()
    assert failed.result(path.name) == here
    # Through validation too: the same message as for a small workbook.
    lines = [p.line() for p in validate(folder, today=TODAY).errors]
    assert FILE_CASES["formel utan sparat resultat"][1] in lines


def test_hidden_sheet_is_read_with_a_notice(books):
    folder = books.write()
    book = load_workbook(folder / "remisser.xlsx")
    book["Samtal"].sheet_state = "hidden"
    book.save(folder / "remisser.xlsx")
    result = validate(folder, today=TODAY)
    assert result.ok
    assert "Notis: remisser.xlsx, flik Samtal: Fliken Samtal är dold i Excel men läses ändå." in [
        p.line() for p in result.problems
    ]
