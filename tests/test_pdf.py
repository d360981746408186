"""`make pdf`: a PDF ready to publish where LibreOffice is there, a Swedish message where not."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from pipeline import cli, pdf
from pipeline.pdf import INSTALL_HELP

OFFICE = pdf.find_libreoffice()
SKIP_REASON = (
    "LibreOffice saknas (soffice)"
    if OFFICE is None
    else "LibreOffice Writer saknas (bara t.ex. Calc är installerat)"
    if not pdf.has_writer(OFFICE)
    else "LibreOffices Python-del (uno) saknas"
    if pdf.find_uno_python(OFFICE) is None
    else "poppler-utils (pdfinfo, pdffonts, pdftotext) saknas"
    if not all(shutil.which(t) for t in ("pdfinfo", "pdffonts", "pdftotext"))
    else "typsnittet Calibri/Carlito saknas"
    if pdf.font_missing()
    else None
)
needs_office = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@pytest.fixture(scope="module")
def report_folder(base_report, tmp_path_factory):
    """An output folder holding one report (the small hand-counted year's)."""
    out = tmp_path_factory.mktemp("out")
    (out / "Vaggeryd-2023-verksamhetsberattelse.docx").write_bytes(base_report.docx)
    return out


def test_without_libreoffice_says_how_to_install(report_folder, capsys, monkeypatch):
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    assert cli.main(["pdf", "--out", str(report_folder)]) == 1
    printed = capsys.readouterr().out
    assert INSTALL_HELP in printed
    assert "sudo apt-get install libreoffice-writer python3-uno" in printed
    assert not list(report_folder.glob("*.pdf"))


def test_without_a_report(tmp_path, capsys):
    assert cli.main(["pdf", "--out", str(tmp_path)]) == 1
    assert "Det finns ingen rapport" in capsys.readouterr().out


def test_only_calc_installed_is_named(report_folder, tmp_path):
    office = tmp_path / "program" / "soffice"
    office.parent.mkdir()
    office.write_text("#!/bin/sh\nexit 0\n")
    office.chmod(0o755)
    with pytest.raises(pdf.PdfProblem, match="inte dess ordbehandlare Writer"):
        pdf.to_pdf(next(report_folder.glob("*.docx")), office=str(office))


def test_a_missing_font_is_named(report_folder, monkeypatch):
    if OFFICE is None or not pdf.has_writer(OFFICE) or pdf.find_uno_python(OFFICE) is None:
        pytest.skip(SKIP_REASON)
    monkeypatch.setattr(pdf, "font_missing", lambda: True)
    with pytest.raises(pdf.PdfProblem) as problem:
        pdf.to_pdf(next(report_folder.glob("*.docx")))
    assert "sudo apt-get install fonts-crosextra-carlito" in str(problem.value)


@pytest.mark.skipif(OFFICE is None or not pdf.has_writer(OFFICE), reason=SKIP_REASON or "")
def test_libreoffice_that_writes_nothing(report_folder, tmp_path):
    program = tmp_path / "program"
    program.mkdir()
    fake = program / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    (program / "libswlo.so").touch()
    with pytest.raises(pdf.PdfProblem, match="LibreOffice gjorde ingen PDF"):
        pdf.to_pdf(next(report_folder.glob("*.docx")), office=str(fake))


@pytest.fixture(scope="module")
def example_pdf(example, tmp_path_factory):
    report = tmp_path_factory.mktemp("pdf") / "Vaggeryd-2023-verksamhetsberattelse.docx"
    report.write_bytes(example.report.docx)
    return pdf.to_pdf(report)


def _tool(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@needs_office
def test_pdf_is_a4_tagged_and_titled(example_pdf):
    info = _tool("pdfinfo", str(example_pdf))
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info), info
    assert re.search(r"Tagged:\s+yes", info)
    assert "Title:           Verksamhetsberättelse och verksamhetsplan 2023" in info


@needs_office
def test_fonts_are_embedded_and_none_a_fallback(example_pdf):
    rows = _tool("pdffonts", str(example_pdf)).splitlines()[2:]
    assert rows
    for row in rows:
        name, embedded = row.split()[0], row.split()[-5]
        assert embedded == "yes", row
        # The template's font (or its metric twin); OpenSymbol only draws the list bullets.
        assert re.search(r"\+(Calibri|Carlito|OpenSymbol)", name), row


@needs_office
def test_contents_page_has_page_numbers_and_no_placeholder(example_pdf):
    text = _tool("pdftotext", "-layout", str(example_pdf), "-")
    assert "Högerklicka" not in text and "Uppdatera fält" not in text
    first = _tool("pdftotext", "-layout", "-f", "1", "-l", "2", str(example_pdf), "-")
    entries = [line.strip() for line in first.splitlines() if "....." in line]
    assert len(entries) >= 8
    assert all(re.search(r"\.{3,}\s*\d+$", line) for line in entries), entries
    assert any(line.startswith("Verksamhetsplan") for line in entries)
