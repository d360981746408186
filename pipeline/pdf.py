"""The report as a PDF ready to publish, through LibreOffice, when it is installed.

`soffice --convert-to pdf` leaves the table of contents as a placeholder and
writes an untagged PDF. So the conversion is done by a small script
(pipeline/lo_export.py) that LibreOffice's own Python runs: it updates the
indexes and exports a tagged PDF (PDF/UA options, title, language, embedded
fonts). Each run gets its own LibreOffice profile (parallel runs otherwise
collide), a time limit (it can hang), and a check that the PDF exists (it can
exit 0 without writing one). The template's font must be there, or the PDF
would be set in another font with other widths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.files import write_bytes

TIMEOUT_SECONDS = 180
SCRIPT = Path(__file__).with_name("lo_export.py")
# Calibri, or Carlito: the free font with the same widths, which LibreOffice uses for it.
FONTS = ("Calibri", "Carlito")
INSTALL_HELP = (
    "LibreOffice behövs för att göra PDF men hittades inte. Installera det: på Debian/Ubuntu "
    "med 'sudo apt-get install libreoffice-writer python3-uno', på Windows och Mac från "
    "libreoffice.org. Du kan också öppna rapporten i Word och välja Arkiv > Spara som > PDF."
)
UNO_HELP = (
    "LibreOffice hittades, men inte dess Python-del (uno), som behövs för att fylla i "
    "innehållsförteckningen och göra en tillgänglig PDF. Installera den: på Debian/Ubuntu med "
    "'sudo apt-get install python3-uno'; på Windows ingår den i LibreOffice."
)
FONT_HELP = (
    "Typsnittet Calibri (eller Carlito, som har samma mått) saknas på den här datorn. Utan det "
    "får PDF:en ett annat typsnitt, och rubriker och tabeller bryts fel. Installera det: på "
    "Debian/Ubuntu med 'sudo apt-get install fonts-crosextra-carlito'; på Windows finns Calibri "
    "med Office."
)

WINDOWS_PLACES = (
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "LibreOffice" / "program",
    Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"))
    / "LibreOffice"
    / "program",
)


class PdfProblem(Exception):
    """No PDF could be made; the message says why, in Swedish."""


def find_libreoffice() -> str | None:
    """soffice on the PATH, or where the Windows installer puts it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for folder in WINDOWS_PLACES:
        if (folder / "soffice.exe").is_file():
            return str(folder / "soffice.exe")
    return None


WRITER_HELP = (
    "LibreOffice finns, men inte dess ordbehandlare Writer, som behövs för att göra PDF av "
    "rapporten. Installera den: på Debian/Ubuntu med 'sudo apt-get install "
    "libreoffice-writer'; på Windows ingår den i LibreOffice."
)
# Writer's own library (Linux, Mac) or program (Windows) beside soffice.
WRITER_FILES = ("libswlo.so", "libswlo.dylib", "swriter.exe", "swriter")


def has_writer(office: str) -> bool:
    program = Path(office).resolve().parent
    return any((program / name).exists() for name in WRITER_FILES)


def find_uno_python(office: str) -> str | None:
    """A Python that can `import uno`: LibreOffice's own (Windows), else the system's (Linux)."""
    program = Path(office).resolve().parent
    candidates = [program / "python.exe", program / "python"]
    candidates += [Path(p) for p in ("/usr/bin/python3", shutil.which("python3") or "") if p]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            done = subprocess.run(
                [str(candidate), "-c", "import uno"], capture_output=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return str(candidate)
    return None


def font_missing() -> bool:
    """True when we can tell that neither Calibri nor Carlito is installed."""
    if sys.platform == "win32":
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return not any((fonts / name).is_file() for name in ("calibri.ttf", "Carlito-Regular.ttf"))
    if shutil.which("fc-list") is None:
        return False  # cannot tell; LibreOffice will say nothing either
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return not any(font.casefold() in listed.casefold() for font in FONTS)


def to_pdf(docx: Path, office: str | None = None) -> Path:
    """docx → tagged PDF with a filled-in table of contents, beside it (atomically)."""
    office = office or find_libreoffice()
    if office is None:
        raise PdfProblem(INSTALL_HELP)
    if not has_writer(office):
        raise PdfProblem(WRITER_HELP)
    python = find_uno_python(office)
    if python is None:
        raise PdfProblem(UNO_HELP)
    if font_missing():
        raise PdfProblem(FONT_HELP)
    with tempfile.TemporaryDirectory(prefix="halsocenter-pdf-") as work:
        made = Path(work) / f"{docx.stem}.pdf"
        profile = (Path(work) / "profil").as_uri()
        command = [python, str(SCRIPT), office, str(docx.resolve()), str(made), profile]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise PdfProblem(
                f"LibreOffice blev inte klart på {TIMEOUT_SECONDS} sekunder. Försök igen, eller "
                "spara som PDF från Word."
            ) from error
        if not made.is_file() or made.stat().st_size == 0:
            raise PdfProblem(
                f"LibreOffice gjorde ingen PDF av {docx.name}. Öppna rapporten i "
                "Word och välj Arkiv > Spara som > PDF."
            )
        return write_bytes(docx.with_suffix(".pdf"), made.read_bytes())
