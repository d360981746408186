"""Fixtures: small workbooks built in tmp_path, so every figure can be counted by hand."""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path

import pytest

from pipeline.contract import schema as contract
from pipeline.publish.xlsx import write_workbook

# The command line's caches stay out of the tests (and out of the user's cache folder),
# in this process and in every program a test starts; a test of a cache names its folder.
os.environ["HALSOCENTER_CACHE"] = ""

D = dt.date

HEADERS = {s.namn: contract.headers(s) for w in contract.workbooks() for s in w.flikar}
FILES = {w.fil: [s.namn for s in w.flikar] for w in contract.workbooks()}

# A small year, counted by hand in test_aggregate.py.
BASE_ROWS = {
    "Remisser": [
        ["A1", D(2022, 3, 1), "FaR", "Vårdcentral", "VC Norr", "Kvinna", 1960, None, None],
        ["A2", D(2022, 12, 20), "FaR", "Vårdcentral", None, "Man", 1990, None, None],
        ["A3", D(2023, 1, 15), "FaR", "Vårdcentral", None, "Kvinna", 1950, "Ja", None],
        [
            "A4",
            D(2023, 2, 1),
            "Remiss",
            "Kommunal verksamhet",
            None,
            None,
            None,
            None,
            D(2023, 3, 1),
        ],
        ["A5", D(2023, 5, 5), "Egen kontakt", None, None, "Kvinna", 2010, "nej", None],
        ["A6", D(2023, 6, 1), "far", " Vårdcentral ", None, "kvinna", 1980, None, None],
        ["A7", "2023-12-28", "FaR", "Vårdcentral", None, "Man", 1943, None, None],
    ],
    "Samtal": [
        ["A1", D(2022, 3, 10), "Första samtal", "Genomfört"],
        ["A1", D(2023, 1, 5), "Uppföljande samtal", "Genomfört"],
        ["A2", D(2023, 1, 10), "Första samtal", "Genomfört"],  # December referral, January talk
        ["A4", D(2023, 2, 20), "Första samtal", "Uteblev"],
        ["A5", D(2023, 5, 12), "Första samtal", "Genomfört"],
        ["A6", D(2023, 6, 8), "Första samtal", "Genomfört"],
        ["A6", D(2023, 9, 8), "Uppföljande samtal", "Uteblev"],
        [None, D(2023, 4, 4), "Spontant besök", "Genomfört"],
        ["A7", D(2024, 1, 9), "Första samtal", "Genomfört"],  # next year: not counted in 2023
    ],
    "Aktiviteter": [
        ["Gympa", "Fysisk aktivitet", "Grupp", None, None],
        ["Promenad", "Fysisk aktivitet", "Grupp", None, None],
        ["Matkurs", "Matvanor", "Kurs", None, None],
        ["Föreläsning om sömn", "Föreläsningar", "Föreläsning", None, None],
    ],
    "Närvaro": [
        [D(2023, 1, 3), "Gympa", "P1", None, 1],
        [D(2023, 1, 3), "Gympa", "P2", None, 1],
        [D(2023, 1, 10), "Gympa", "P1", None, 1],
        [D(2023, 1, 4), "Promenad", "P1", None, 1.5],  # P1 again: counts once in the area
        [D(2023, 1, 4), "Promenad", "P3", None, 1.5],
        [D(2023, 3, 1), "Matkurs", "P4", None, 2],
        [D(2023, 3, 8), "Matkurs", "P4", None, 2],
        [D(2023, 9, 1), "Föreläsning om sömn", None, 70, 1.5],
        [D(2022, 11, 1), "Gympa", "P1", None, 1],  # last year
    ],
    "Uppgifter": [
        ["Kommun", "Vaggeryd"],
        ["År", 2023],
        ["Startdatum", D(2022, 3, 1)],
        ["Invånare", 14000],
        ["Styrgruppsmöten", 3],
    ],
    "Texter": [
        ["Arbetssätt", "Första stycket.\nAndra stycket."],
        ["Lokal beskrivning", "Vi startade i mars."],
    ],
    "Plan": [
        ["Fysisk aktivitet", "Gympa", "Gick bra", "Fortsätter"],
        ["Matvanor", "Matkurs", None, "Ny kurs"],
        ["Föreläsningar", "Sömn", "70 deltagare", None],
    ],
}


class Workbooks:
    """Sheets as lists of rows; `write()` puts the three workbooks in a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.headers = copy.deepcopy(HEADERS)
        self.rows = copy.deepcopy(BASE_ROWS)

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        for fil, sheets in FILES.items():
            content = {s: (self.headers[s], self.rows.get(s, [])) for s in sheets}
            # As written before (repr: 1, 1.0 and True are equal but not the same cell).
            if repr(content) == repr(_base_content(fil)):
                (self.folder / fil).write_bytes(_base_bytes(fil))
            else:
                write_workbook(self.folder / fil, content)
        return self.folder


def _base_content(fil: str) -> dict:
    return {s: (HEADERS[s], BASE_ROWS.get(s, [])) for s in FILES[fil]}


_BASE_BYTES: dict[str, bytes] = {}


def _base_bytes(fil: str) -> bytes:
    """An unchanged workbook is written once per test process (a tenth of a second saved)."""
    if fil not in _BASE_BYTES:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / fil
            write_workbook(path, copy.deepcopy(_base_content(fil)))
            _BASE_BYTES[fil] = path.read_bytes()
    return _BASE_BYTES[fil]


@pytest.fixture
def books(tmp_path) -> Workbooks:
    return Workbooks(tmp_path / "raw")


TODAY = D(2026, 1, 1)


class BaseReport:
    """The hand-counted year of BASE_ROWS, validated, counted and rendered once per worker."""

    def __init__(self, folder: Path):
        import io

        import docx

        from pipeline.figures import aggregate
        from pipeline.report.render import render
        from pipeline.validation.validate import validate

        self.folder = Workbooks(folder).write()
        self.result = validate(self.folder, today=TODAY)
        self.dataset = self.result.dataset
        self.figures = aggregate.compute(self.dataset)
        self.previous = aggregate.previous_year(self.dataset)
        self.docx = render(self.dataset, self.figures, self.previous).docx
        self.document = docx.Document(io.BytesIO(self.docx))


@pytest.fixture(scope="session")
def base_report(tmp_path_factory) -> BaseReport:
    """Read-only: tests that change the rows use `books` instead."""
    return BaseReport(tmp_path_factory.mktemp("base") / "raw")


class ExampleReport:
    """The shipped example (Vaggeryd 2023) counted and rendered as the report job does."""

    def __init__(self):
        import io

        import docx

        from pipeline import config
        from pipeline.figures import aggregate
        from pipeline.report.render import render
        from pipeline.validation.validate import validate

        self.dataset = validate(config.EXAMPLE).dataset
        self.figures = aggregate.compute(self.dataset)
        self.csv = aggregate.to_csv(self.figures)
        self.report = render(self.dataset, self.figures, aggregate.previous_year(self.dataset))
        self.document = docx.Document(io.BytesIO(self.report.docx))


@pytest.fixture(scope="session")
def example() -> ExampleReport:
    """Read-only, built once per test process: the render, PDF and privacy tests share it."""
    return ExampleReport()


FAKE_PYTHON = """#!/bin/sh
# LibreOffice's Python, faked: it "imports uno" and "exports" a PDF to its 4th argument.
[ "$1" = "-c" ] && exit 0
printf '%%PDF-1.7 fake' > "$4"
"""


def fake_libreoffice(folder: Path) -> Path:
    """A LibreOffice in `folder`/program: soffice with Writer, and a Python beside it that
    makes a PDF at once. Returns soffice's path."""
    program = folder / "program"
    program.mkdir()
    for name, text in (("soffice", "#!/bin/sh\nexit 0\n"), ("python", FAKE_PYTHON)):
        (program / name).write_text(text)
        (program / name).chmod(0o755)
    (program / "libswlo.so").touch()
    return program / "soffice"
