"""`make pdf`: LibreOffice when it is there, a clear Swedish message when it is not."""

from __future__ import annotations

import shutil

import pytest

from pipeline import cli, pdf
from pipeline.pdf import INSTALL_HELP


@pytest.fixture
def report_folder(books, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["report", "--raw", str(books.write()), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_without_libreoffice_says_how_to_install(report_folder, capsys, monkeypatch):
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    assert cli.main(["pdf", "--out", str(report_folder)]) == 1
    printed = capsys.readouterr().out
    assert INSTALL_HELP in printed
    assert "sudo apt-get install libreoffice-writer" in printed
    assert not list(report_folder.glob("*.pdf"))


def test_without_a_report(tmp_path, capsys):
    assert cli.main(["pdf", "--out", str(tmp_path)]) == 1
    assert "Det finns ingen rapport" in capsys.readouterr().out


def test_libreoffice_that_writes_nothing(report_folder, capsys, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    with pytest.raises(pdf.PdfProblem, match="LibreOffice gjorde ingen PDF"):
        pdf.to_pdf(next(report_folder.glob("*.docx")), office=str(fake))


@pytest.mark.skipif(pdf.find_libreoffice() is None, reason="LibreOffice är inte installerat")
def test_pdf_with_libreoffice(report_folder, capsys):
    assert cli.main(["pdf", "--out", str(report_folder)]) == 0
    made = report_folder / "Vaggeryd-2023-verksamhetsberattelse.pdf"
    assert made.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(made), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Verksamhetsberättelse" in text
