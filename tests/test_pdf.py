"""`make pdf`: a PDF ready to publish where LibreOffice is there, a Swedish message where not."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import page_layout
import pytest

from pipeline.cli import main as cli
from pipeline.publish import pdf
from pipeline.publish.folder import FolderProblem, edited, publish
from pipeline.publish.folder import output_lock as folder_lock
from pipeline.publish.pdf import INSTALL_HELP
from pipeline.report import pdf_job
from tests.conftest import fake_libreoffice

OFFICE = pdf.find_libreoffice()
SKIP_REASON = (
    "LibreOffice saknas (soffice)"
    if OFFICE is None
    else "LibreOffice Writer saknas (bara t.ex. Calc är installerat)"
    if not pdf.has_writer(OFFICE)
    else "LibreOffices Python-del (uno) saknas"
    if pdf.find_uno_python(OFFICE) is None
    else "poppler-utils (pdfinfo, pdffonts, pdftotext, pdfimages, pdftoppm) saknas"
    if not all(
        shutil.which(t) for t in ("pdfinfo", "pdffonts", "pdftotext", "pdfimages", "pdftoppm")
    )
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


@needs_office
def test_every_heading_is_a_heading_in_the_pdfs_structure(example_pdf, example):
    """A screen reader's list of headings: the four focus areas above the activity lists
    (H3) and the regional goals (H2) among them, one tag per heading of the report."""
    structure = _tool("pdfinfo", "-struct", str(example_pdf))
    tagged = re.findall(r"^\s*H(\d) \(block\):", structure, re.MULTILINE)
    levels = [
        p.style.name[-1] for p in example.document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert sorted(tagged) == sorted(levels)
    assert (tagged.count("1"), tagged.count("2"), tagged.count("3")) == (6, 16, 4)


@needs_office
def test_the_pages_read_like_a_designed_document(example_pdf, example):
    """Rendered and measured: no heading, caption or table header at the foot of a page,
    no chart alone, no page less than half full unless a chapter begins on the next."""
    pages = page_layout.measure(example_pdf)
    assert page_layout.faults(pages, page_layout.expected_from(example.document)) == []


# --- the report the coach has ----------------------------------------------------------

REPORT = "Vaggeryd-2023-verksamhetsberattelse.docx"
EDIT = "Det här stycket skrev hälsocoachen om i Word."


def _published(folder: Path, data: bytes) -> Path:
    """A report as the report job leaves it: written, and remembered in the folder's state."""
    with folder_lock(folder):
        publish(folder, {REPORT: data})
    return folder / REPORT


def _edit(report: Path) -> None:
    """What a coach does in Word: rewrite a paragraph and save."""
    document = docx.Document(report)
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Vi startade i mars"))
    paragraph.text = EDIT
    document.save(report)


@needs_office
def test_make_pdf_makes_the_pdf_of_the_edited_report_and_says_so(base_report, tmp_path, capsys):
    """Edited in Word, then `make pdf`: the PDF has the edit, the edited report stays as it
    is (nothing moved aside, nothing rebuilt), and the coach is told."""
    report = _published(tmp_path, base_report.docx)
    _edit(report)
    edited = report.read_bytes()
    assert cli.main(["pdf", "--ut", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"Gör PDF av {REPORT} ...",
        f"{REPORT} är ändrad sedan programmet skrev den: PDF:en är gjord av din version, med "
        "dina ändringar.",
        f"Skrev {report.with_suffix('.pdf')}",
    ]
    assert EDIT in _tool("pdftotext", str(report.with_suffix(".pdf")), "-")
    assert report.read_bytes() == edited
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        REPORT,
        REPORT.replace(".docx", ".pdf"),
    ]


def test_any_report_named_with_fil(base_report, tmp_path, fake_office, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: fake_office)
    mine = tmp_path / "min version.docx"
    mine.write_bytes(base_report.docx)
    assert cli.main(["pdf", "--fil", str(mine)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Gör PDF av min version.docx ...",
        f"Skrev {tmp_path / 'min version.pdf'}",
    ]
    assert (tmp_path / "min version.pdf").read_bytes() == b"%PDF-1.7 fake"
    with pytest.raises(FolderProblem, match=f"^Filen {tmp_path / 'saknas.docx'} finns inte."):
        pdf_job.make_pdf(tmp_path / "saknas.docx", office=fake_office)
    with pytest.raises(FolderProblem, match=r"^min version.pdf är ingen Word-fil \(.docx\)"):
        pdf_job.make_pdf(tmp_path / "min version.pdf", office=fake_office)


def test_an_edit_kept_aside_by_a_later_run_is_pointed_to(
    base_report, tmp_path, fake_office, monkeypatch, capsys
):
    """The coach edited, then ran make report again: the edit was kept as
    "… (redigerad …).docx" and the new report took its place. make pdf converts the report
    in place (not edited) and says where the edited version is and how to convert it."""
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: fake_office)
    report = _published(tmp_path, base_report.docx)
    _edit(report)
    with folder_lock(tmp_path):
        (kept,) = publish(tmp_path, {REPORT: base_report.docx}).kept
    assert cli.main(["pdf", "--ut", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Gör PDF av {REPORT} ...",
        f"Skrev {report.with_suffix('.pdf')}",
        f"Din tidigare redigerade version finns kvar som {kept.copy.name}. Vill du ha PDF av "
        f'den: halsocenter pdf --fil "{kept.copy}" (make pdf FIL="{kept.copy}").',
    ]


def test_the_folder_knows_which_outputs_were_edited(tmp_path):
    report = _published(tmp_path, b"som programmet skrev den")
    assert not edited(report)
    report.write_bytes(b"edited in Word")
    assert edited(report)
    foreign = tmp_path / "egen.docx"
    foreign.write_bytes(b"ingen vet vem som skrev den")
    assert edited(foreign)


# --- Windows details, tried on any system --------------------------------------------------


@pytest.fixture
def fake_office(tmp_path, monkeypatch):
    """soffice with Writer and a Python that makes a PDF at once; the font counted there."""
    if sys.platform == "win32":
        pytest.skip("the fake LibreOffice is a shell script")
    monkeypatch.setattr(pdf, "font_missing", lambda: False)
    return str(fake_libreoffice(tmp_path))


@pytest.mark.parametrize("held_for", [2, 1000], ids=["en-stund", "hela-tiden"])
def test_a_temporary_file_still_held_never_fails_the_pdf(
    tmp_path, fake_office, monkeypatch, held_for
):
    """Windows cannot remove a file LibreOffice still holds: removal is tried again briefly,
    then left to the system; the PDF is there either way."""
    assert pdf.REMOVE_TRIES * pdf.REMOVE_PAUSE_SECONDS <= 2  # "briefly"
    real_rmtree, tried = shutil.rmtree, []

    def held(path, *args, **kwargs):
        tried.append(Path(path))
        if len(tried) <= held_for:
            raise PermissionError(13, "Filen används av en annan process", str(path))
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", held)
    monkeypatch.setattr(pdf, "REMOVE_PAUSE_SECONDS", 0.0)
    report = tmp_path / "Vaggeryd-2023-verksamhetsberattelse.docx"
    report.write_bytes(b"PK")  # the fake LibreOffice does not read it
    made = pdf.to_pdf(report, office=fake_office)
    monkeypatch.undo()
    assert made.read_bytes() == b"%PDF-1.7 fake"
    work = tried[0]
    assert work.name.startswith("halsocenter-pdf-") and set(tried) == {work}
    if held_for < pdf.REMOVE_TRIES:
        assert not work.exists() and len(tried) == held_for + 1
    else:  # given up after a short while; the system's temp clean-up takes it
        assert work.is_dir() and len(tried) == pdf.REMOVE_TRIES
        shutil.rmtree(work)


def test_fonts_installed_for_one_user_count(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    (tmp_path / "Windows" / "Fonts").mkdir(parents=True)
    (tmp_path / "Windows" / "Fonts" / "arial.ttf").touch()
    assert pdf.font_missing()
    user_fonts = tmp_path / "AppData" / "Local" / "Microsoft" / "Windows" / "Fonts"
    user_fonts.mkdir(parents=True)
    (user_fonts / "Carlito-Regular.ttf").touch()
    assert not pdf.font_missing()
    (user_fonts / "Carlito-Regular.ttf").unlink()
    (tmp_path / "Windows" / "Fonts" / "CALIBRI.TTF").touch()  # Windows ignores case
    assert not pdf.font_missing()


def test_the_store_python_stub_is_never_taken_for_libreoffices(tmp_path, monkeypatch):
    """soffice found in WindowsApps puts the Store's python.exe stub beside it, and
    `python3` on the PATH is that stub too: neither is ever run."""
    aliases = tmp_path / "AppData" / "Local" / "Microsoft" / "WindowsApps"
    aliases.mkdir(parents=True)
    for name in ("soffice.exe", "python.exe", "python3.exe"):
        (aliases / name).touch()
    ran = []

    def every_python_has_uno(command, **kwargs):
        ran.append(command[0])
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(pdf.subprocess, "run", every_python_has_uno)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: str(aliases / f"{name}.exe"))
    found = pdf.find_uno_python(str(aliases / "soffice.exe"))
    assert not [command for command in ran if command.startswith(str(aliases))]
    assert found == ("/usr/bin/python3" if Path("/usr/bin/python3").is_file() else None)


@needs_office
def test_no_heading_is_left_alone_at_the_foot_of_a_page(tmp_path):
    """LibreOffice leaves a heading at the foot of a page when the heading just fits and
    not one line of what follows does (a chart is one tall line). Here the heading just
    fits after 24 lines of Word's default page: it must stand on its picture's page."""
    import io

    from docx.shared import Mm
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (400, 566), "white").save(picture, "PNG")
    document = docx.Document()
    for line in range(24):
        document.add_paragraph(f"Rad {line} med lite text för att fylla sidan.")
    document.add_heading("Rubriken", 2)
    holder = document.add_paragraph()
    holder.paragraph_format.keep_with_next = True
    holder.add_run().add_picture(picture, width=Mm(60))
    document.add_paragraph("Text under bilden.")
    source = tmp_path / "rubrik.docx"
    document.save(source)

    made = pdf.to_pdf(source, OFFICE)

    def page_of_heading() -> int:
        text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True)
        pages = text.stdout.split("\f")
        return next(n for n, page in enumerate(pages, start=1) if "Rubriken" in page)

    images = subprocess.run(["pdfimages", "-list", str(made)], capture_output=True, text=True)
    picture_pages = [int(row.split()[0]) for row in images.stdout.splitlines()[2:]]
    assert picture_pages == [page_of_heading()]
