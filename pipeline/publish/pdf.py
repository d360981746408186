"""The report as a PDF ready to publish, through LibreOffice, when it is installed.

`soffice --convert-to pdf` leaves the table of contents as a placeholder and
writes an untagged PDF. So the conversion is done by a small script
(pipeline/publish/lo_export.py) that LibreOffice's own Python runs: it updates the
indexes and exports a tagged PDF (PDF/UA options, title, language, embedded
fonts). Each run gets its own LibreOffice profile (parallel runs otherwise
collide), a time limit (it can hang), and a check that the PDF exists (it can
exit 0 without writing one). The template's font must be there, or the PDF
would be set in another font with other widths.

On Windows: the temporary folder may still hold a file LibreOffice (or a virus
scanner) has open, so its removal is tried again briefly and then left to the
system; fonts count when installed for one user too; and the Microsoft Store's
`python` stub (an app execution alias in WindowsApps) is never run as
LibreOffice's Python: it is no Python until one is installed from the Store, and a
Store Python has no uno.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.publish.folder import write_bytes

TIMEOUT_SECONDS = 180
SCRIPT = Path(__file__).with_name("lo_export.py")
# Calibri, or Carlito: the free font with the same widths, which LibreOffice uses for it.
FONTS = ("Calibri", "Carlito")
FONT_FILES = ("calibri.ttf", "carlito-regular.ttf")  # as Windows names them, case aside
REMOVE_TRIES = 10
REMOVE_PAUSE_SECONDS = 0.2
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
        if is_store_alias(candidate) or not candidate.is_file():
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


def is_store_alias(path: Path) -> bool:
    """A path in a WindowsApps folder: the Store's `python` stub or a Store app's alias."""
    return any(part.casefold() == "windowsapps" for part in Path(path).parts)


def windows_font_folders() -> list[Path]:
    """Fonts for every user, and for one user (installed without administrator rights)."""
    folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return folders


def _font_file_in(folder: Path) -> bool:
    try:
        names = {path.name.casefold() for path in folder.iterdir()}
    except OSError:
        return False
    return any(name in names for name in FONT_FILES)


def font_missing() -> bool:
    """True when we can tell that neither Calibri nor Carlito is installed."""
    if sys.platform == "win32":
        return not any(_font_file_in(folder) for folder in windows_font_folders())
    if shutil.which("fc-list") is None:
        return False  # cannot tell; LibreOffice will say nothing either
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return not any(font.casefold() in listed.casefold() for font in FONTS)


def remove_folder(folder: Path) -> bool:
    """Remove a temporary folder; True when it is gone.

    On Windows a file held open cannot be removed, and LibreOffice or a virus scanner may
    hold one a moment longer: try again briefly, then leave the folder to the system's
    clean-up of its temp folder (nothing the coach sees depends on it).
    """
    for attempt in range(REMOVE_TRIES):
        if not folder.exists():
            return True
        if attempt:
            time.sleep(REMOVE_PAUSE_SECONDS)
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
    return not folder.exists()


@contextlib.contextmanager
def _work_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="halsocenter-pdf-"))
    try:
        yield folder
    finally:
        remove_folder(folder)


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
    with _work_folder() as work:
        made = work / f"{docx.stem}.pdf"
        profile = (work / "profil").as_uri()
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


def pdf_bytes(docx: bytes, name: str, office: str | None = None) -> bytes:
    """The PDF of a report given as bytes (the portal's, made in memory). LibreOffice
    needs a file: the report is written to a temporary folder of its own, converted
    there, and the folder is removed. PdfProblem as for to_pdf."""
    with _work_folder() as work:
        source = work / name
        source.write_bytes(docx)
        return to_pdf(source, office=office).read_bytes()
