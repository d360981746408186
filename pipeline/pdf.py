"""The report as PDF through LibreOffice headless, when it is installed.

Each run gets its own LibreOffice profile (parallel runs otherwise collide),
a time limit (it can hang), and a check that the PDF exists (it can exit 0
without writing one).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.files import write_bytes

TIMEOUT_SECONDS = 180
INSTALL_HELP = (
    "LibreOffice behövs för att göra PDF men hittades inte. Installera det: på Debian/Ubuntu "
    "med 'sudo apt-get install libreoffice-writer', på Windows och Mac från libreoffice.org. "
    "Du kan också öppna rapporten i Word och välja Arkiv > Spara som > PDF."
)


class PdfProblem(Exception):
    """No PDF could be made; the message says why, in Swedish."""


def find_libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, office: str | None = None) -> Path:
    """docx → PDF beside it (written atomically); raises PdfProblem."""
    office = office or find_libreoffice()
    if office is None:
        raise PdfProblem(INSTALL_HELP)
    with tempfile.TemporaryDirectory(prefix="halsocenter-pdf-") as work:
        profile = Path(work) / "profil"
        command = [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(docx),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise PdfProblem(
                f"LibreOffice blev inte klart på {TIMEOUT_SECONDS} sekunder. Försök igen, eller "
                "spara som PDF från Word."
            ) from error
        made = Path(work) / f"{docx.stem}.pdf"
        if not made.is_file() or made.stat().st_size == 0:
            raise PdfProblem(
                f"LibreOffice gjorde ingen PDF av {docx.name}. Öppna rapporten i "
                "Word och välj Arkiv > Spara som > PDF."
            )
        return write_bytes(docx.with_suffix(".pdf"), made.read_bytes())
