"""What the region's pages ask of the library: every municipality's latest valid key
figures compared by the comparison's own code, and a key-figure file that came by e-mail.

The region sees, per municipality and year, the latest valid submission. Those
submissions' key figures are rebuilt as the `nyckeltal.csv` files they came from (named
`<Kommun>-<år>-nyckeltal.csv`) and given to `pipeline.comparison.job.measures_from_csvs`,
the first half of `comparison_from_csvs`: the page shows that table and the downloads
are `outputs()` of it, so the page, the downloads and `make compare` over the same files
cannot disagree. Nothing here computes a value.

Building the table takes more than half a second for 13 municipalities × 10 years
(`python -m bench.region`), so it is kept in memory, per process, by what decides it: the
ids of the submissions the region sees (a stored submission is never changed: a new one,
or one deleted, gives another key), the targets file's SHA-256 and the year (and the
submissions' times: SQLite may give a deleted submission's id to the next one). A new
submission gives another key; `refresh` builds it as the submission is stored, so the
region's next page finds it built.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pipeline.comparison import job, reading
from pipeline.comparison.reading import NoFigures
from pipeline.contract import schema as contract
from pipeline.contract.formula import FORMULA_START, formula_start
from pipeline.publish.formatting import datum
from pipeline.web import services
from pipeline.web.models import KeyFigure, OutputFile, Submission, kommun_name

Pair = tuple[str, int]  # (kommunkod, år)
logger = logging.getLogger(__name__)

# Why a municipality has no figures, as the region's page says it (the comparison's
# words are about files in a folder; here they are submissions).
STATE_TEXT = {
    NoFigures.NO_FILE: "ingen inlämning",
    NoFigures.BAD_FILE: "fel i nyckeltalen",
    NoFigures.CONFLICT: "motstridiga filer",
}


def file_name(kod: str, year: int) -> str:
    """The name `make report` gives the municipality's key-figure file."""
    return f"{kommun_name(kod)}-{year}-nyckeltal.csv"


def latest_ids() -> dict[Pair, int]:
    """The id of the latest valid submission per (kommunkod, år): one small query."""
    return {pair: pk for pair, (pk, _) in _latest().items()}


def _latest() -> dict[Pair, tuple[int, object]]:
    """(id, sent_at) of the latest valid submission per (kommunkod, år)."""
    found = (
        Submission.objects.filter(valid=True, ar__isnull=False)
        .order_by("kommunkod", "ar", "-sent_at", "-id")
        .values_list("kommunkod", "ar", "id", "sent_at")
    )
    latest: dict[Pair, tuple[int, object]] = {}
    for kod, year, pk, sent_at in found:
        latest.setdefault((kod, year), (pk, sent_at))
    return latest


def key_figure_files(ids: dict[Pair, int]) -> dict[str, bytes]:
    """The submissions' nyckeltal.csv by the name make report gives them."""
    submissions = Submission.objects.filter(pk__in=ids.values())
    csvs = services.key_figures_csvs(submissions)
    return {file_name(s.kommunkod, s.ar): csvs[s.pk] for s in submissions}


def targets() -> bytes | None:
    """The region's malvarden.csv (settings.PORTAL_TARGETS), or None without one."""
    path = getattr(settings, "PORTAL_TARGETS", None)
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


class _Cache:
    """A few recent results by key, least recently used out first; safe across threads
    (two threads may compute the same key once each; both answers are the same)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make: Callable):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_measured = _Cache(8)
_outputs = _Cache(4)


@dataclass(frozen=True)
class Stored:
    """What the region sees now: the latest valid submission per municipality and year,
    and the targets; `key` names the comparison they give."""

    ids: dict[Pair, int]
    targets: bytes | None
    key: tuple = field(repr=False)

    @classmethod
    def now(cls) -> Stored:
        latest, found = _latest(), targets()
        digest = hashlib.sha256(found).hexdigest() if found is not None else None
        ids = {pair: pk for pair, (pk, _) in latest.items()}
        # sent_at too: SQLite may give a deleted submission's id to the next one
        return cls(ids, found, (tuple(sorted(latest.items())), digest))

    @property
    def years(self) -> list[int]:
        return sorted({year for _, year in self.ids})

    def measured(self, year: int | None = None) -> job.ComparisonResult:
        """The comparison's figures and measures table (`year`: the compared year,
        default the latest with figures)."""
        return _measured.get(
            (self.key, year),
            lambda: job.measures_from_csvs(key_figure_files(self.ids), self.targets, year),
        )

    def outputs(self, year: int) -> dict[str, bytes]:
        """The comparison's workbook, report, long csv and descriptor for `year`: the
        bytes `make compare --ar year` writes for the same key-figure files."""

        def make() -> dict[str, bytes]:
            latest = self.measured()  # the page's: the same table when `year` is the latest
            same = latest.comparison.year == year
            return job.outputs(latest if same else self.measured(year))

        return _outputs.get((self.key, year), make)


def refresh() -> None:
    """Build now the table the region's page will ask for next: called when a valid
    submission has been stored, so that the coach's request pays the half second and no
    regional user waits for it (in this process; the portal runs one process with
    threads, see README). A failure here only makes that page slower; it is logged."""
    try:
        Stored.now().measured()
    except Exception:  # the page will build it again and show what went wrong
        logger.exception("Regionens jämförelse kunde inte byggas i förväg")


def clear_cache() -> None:
    """Forget every kept comparison (tests; nothing else needs to)."""
    _measured.clear()
    _outputs.clear()


# --- a key-figure file that came by e-mail ---------------------------------------------

# The largest number the database keeps (KeyFigure.varde: 18 digits, 4 after the point).
LARGEST_STORED = 10**14
RESEND = reading.RESEND


@dataclass(frozen=True)
class Emailed:
    """What became of a file added by e-mail: stored (`submission`), the same figures as
    the region already sees (`copy_of`), or refused (`problem`, about form field `field`)."""

    submission: Submission | None = None
    problem: str = ""
    field: str = "fil"
    copy_of: Submission | None = None
    replaced: Submission | None = None
    notes: tuple[str, ...] = ()
    pair: Pair | None = None


def _who(submission: Submission) -> str:
    way = "med e-post" if submission.via_email else "i portalen"
    return (
        f"skickad {way} av {submission.sent_by_name} "
        f"{datum(timezone.localtime(submission.sent_at))}"
    )


def _unstorable(values: dict) -> str:
    """Why the portal cannot keep a file's figures though the comparison reads them, or ''."""
    limits = {
        name: KeyFigure._meta.get_field(name).max_length
        for name in ("nyckeltal", "dimension", "kategori")
    }
    for figures in values.values():
        for key, value in figures.items():
            for name, text in zip(limits, key, strict=True):
                first = formula_start(text)
                if first:
                    return (
                        f"Filen har {name} '{text}', som Excel skulle räkna ut som en formel (den "
                        f"börjar med {FORMULA_START[first]}). {RESEND}"
                    )
                if len(text) > limits[name]:
                    return (
                        f"Filen har ett {name} som är {len(text)} tecken långt; portalen sparar "
                        f"högst {limits[name]}. {RESEND}"
                    )
            if value.number is not None and abs(value.number) >= LARGEST_STORED:
                return (
                    f"Filen har värdet {value.number:.0f} för {key[0]}, större än portalen kan "
                    f"spara. {RESEND}"
                )
    return ""


@transaction.atomic
def add_emailed_file(*, user, kommunkod: str, name: str, data: bytes, replace: bool) -> Emailed:
    """Store a municipality's nyckeltal.csv that came by e-mail, read as `make compare`
    reads it (semicolons, decimal comma, Windows-1252, a code without its leading zero).

    Refused, with the comparison's own line, when make compare would not use the file;
    when it holds another municipality, or more than one municipality or year; and when
    the region already sees other figures for that year, unless `replace`. A file with
    the same figures as the region already sees is a copy: nothing is stored.
    """
    alone = reading.load({name: data})
    fate = alone.fates[0]
    if fate.problem:
        return Emailed(problem=fate.line())
    if len(fate.contents) != 1:
        held = " och ".join(reading.pair_text(p) for p in fate.contents)
        return Emailed(
            problem=f"{name} har nyckeltal för {held}. Lägg till en fil per kommun och år."
        )
    pair = fate.contents[0]
    kod, year = pair
    if kod != kommunkod:
        return Emailed(
            problem=(
                f"{name} har nyckeltalen för {reading.pair_text(pair)}, men du valde "
                f"{kommun_name(kommunkod)}. Välj {kommun_name(kod)}, eller kontrollera att det "
                "är rätt fil."
            ),
            field="kommun",
            pair=pair,
        )
    unstorable = _unstorable(alone.values)
    if unstorable:
        return Emailed(problem=f"{name}: {unstorable}", pair=pair)
    current_id = latest_ids().get(pair)
    current = Submission.objects.get(pk=current_id) if current_id else None
    if current is not None:
        stored = f"{file_name(kod, year)} ({_who(current)})"
        both = reading.load({name: data, stored: services.key_figures_csv(current)})
        if both.state(kod, year) != NoFigures.CONFLICT:
            return Emailed(copy_of=current, notes=tuple(fate.notes), pair=pair)
        if not replace:
            return Emailed(
                problem=(
                    f"Regionen har redan nyckeltal för {reading.pair_text(pair)} med andra "
                    f"värden ({_who(current)}). Ska filen som kom med e-post gälla i stället, "
                    "välj den igen och kryssa i rutan Ersätt."
                ),
                field="ersatt",
                pair=pair,
            )
    submission = services.store_submission(
        user=user,
        kommunkod=kommunkod,
        sent=[(name, data)],
        valid=True,
        key_figures_csv=data,
        schema_version=contract.key_figure_format().schema_version,
        via_email=True,
    )
    OutputFile.objects.create(
        submission=submission,
        name=file_name(kod, year),
        content=services.key_figures_csv(submission),
        content_type=services.CONTENT_TYPES[".csv"],
    )
    return Emailed(submission, replaced=current, notes=tuple(fate.notes), pair=pair)
