"""One chart style for every document: the document's font, colour-blind-safe colours,
Swedish numbers on the axes, and PNG bytes that are the same at every run.

Figures are made without pyplot (no global state, and a quicker import), and matplotlib
is loaded only when a chart is drawn, without its 3-D toolkit. A chart whose inputs have
not changed is not drawn again (`cached_png`).
"""

from __future__ import annotations

import io
import json
import os
import sys
import types
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline import config
from pipeline.publish.formatting import number

# Okabe & Ito (2008), "Color Universal Design": told apart by colour-blind readers too.
BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#7F7F7F"
# The document's font (Calibri, or Carlito with the same widths); DejaVu Sans if neither.
DOCUMENT_FONTS = ("Calibri", "Carlito")
FALLBACK_FONT = "DejaVu Sans"


def _load_matplotlib() -> None:
    """matplotlib's figure and Agg canvas, without the 3-D toolkit: matplotlib.projections
    imports mpl_toolkits.mplot3d (some 25 ms) only to register a projection no chart here
    uses. A stand-in with no Axes3D tells it that there is none, as it allows; it is taken
    away again at once, so that a later import of the real toolkit works as usual."""
    if "matplotlib.backends.backend_agg" in sys.modules:
        return
    toolkit = "mpl_toolkits.mplot3d"
    stand_in = None
    if "matplotlib.projections" not in sys.modules and toolkit not in sys.modules:
        stand_in = types.ModuleType(toolkit)
        stand_in.Axes3D = None
        sys.modules[toolkit] = stand_in
    try:
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.figure  # noqa: F401
    finally:
        if stand_in is not None and sys.modules.get(toolkit) is stand_in:
            del sys.modules[toolkit]


def new_figure(**kwargs):
    """A matplotlib Figure (no pyplot), matplotlib loaded on first use."""
    _load_matplotlib()
    from matplotlib.figure import Figure

    return Figure(**kwargs)


@cache
def document_font() -> str:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in DOCUMENT_FONTS if f in installed), FALLBACK_FONT)


@contextmanager
def style():
    """The document's font for everything drawn inside, without touching global state."""
    _load_matplotlib()
    import matplotlib

    with matplotlib.rc_context({"font.family": document_font(), "font.size": 9}):
        yield


def swedish_axis(axis, decimals: int = 1) -> None:
    """Tick labels in Swedish: decimal comma, no-break space between thousands."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: number(x, decimals)))


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str


def png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


# --- charts drawn once: in memory for the process, on disk for the command line ----------

_MEMO: dict[str, bytes] = {}  # key → PNG; a web worker keeps its latest charts
MEMO_SIZE = 64


def cached_png(kind: str, inputs: object, draw: Callable[[], bytes], code: str) -> bytes:
    """The PNG `draw()` makes, drawn once per `inputs` (numbers and words, as json);
    `code` is the file of the module that draws it (its __file__).

    In memory for the process; between runs of the command line also in the user's cache
    folder (config.cache_folder), under a key that holds the inputs and everything else
    that shapes the picture: the chart code (`code`, this module, formatting), matplotlib's
    version, its font list and the files of the fonts a chart may use, its settings files.
    When any of them changes the chart is drawn again, so a chart taken from the cache is
    byte for byte the one drawing would give.
    """
    text = json.dumps([kind, inputs], ensure_ascii=False, sort_keys=True)
    if text in _MEMO:
        return _MEMO[text]
    path = _cache_path(text, code)
    png = _read(path) if path is not None else None
    if png is None:
        png = draw()
        if path is not None:
            config.keep_cached(path, png)
            _prune(path.parent)
    while len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)), None)
    _MEMO[text] = png
    return png


def _cache_path(text: str, code: str) -> Path | None:
    folder = config.cache_folder()
    if folder is None:
        return None
    environment = _environment()
    if environment is None:
        return None
    try:
        code_digest = _crc(Path(code))
    except OSError:
        return None
    import hashlib

    key = hashlib.sha256(f"{environment}\n{code_digest}\n{text}".encode()).hexdigest()
    return folder / "diagram" / f"{key}.png"


_PNG_END = b"IEND\xaeB`\x82"
KEPT_CHARTS = 200  # the newest charts kept; older ones are drawn again if ever asked for


def _prune(folder: Path) -> None:
    try:
        charts = sorted(folder.glob("*.png"), key=lambda p: p.stat().st_mtime_ns)
        for old in charts[:-KEPT_CHARTS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _read(path: Path) -> bytes | None:
    """A cached PNG, whole (written by renaming, so a torn file is a damaged disk)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data.endswith(_PNG_END) else None


@cache
def _crc(path: Path) -> int:
    return zlib.crc32(path.read_bytes())


@cache
def _environment() -> str | None:
    """What besides its inputs and its own module shapes a chart (see cached_png), as text;
    None when it cannot all be told without loading matplotlib (then nothing is kept
    between runs)."""
    try:
        here = Path(__file__)
        code = [_crc(here), _crc(here.with_name("formatting.py"))]
        mpl = _matplotlib_folder()
        if mpl is None:
            return None
        version = (mpl / "_version.py").read_text(encoding="utf-8")
        font_list = sorted(_matplotlib_cache().glob("fontlist-v*.json"))
        if not font_list:
            return None  # matplotlib builds it on first use: next time
        fonts = []
        for listed in font_list:
            for font in json.loads(listed.read_text(encoding="utf-8")).get("ttflist", []):
                if font.get("name") in (*DOCUMENT_FONTS, FALLBACK_FONT):
                    fonts.append([font.get("fname"), *_stat(Path(font.get("fname", "")))])
            fonts.append([listed.name, *_stat(listed)])
        settings = [[str(p), *_stat(p)] for p in _matplotlib_settings() if p.is_file()]
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return json.dumps([code, version, fonts, settings, sys.version])


def _stat(path: Path) -> list[int]:
    try:
        found = path.stat()
    except OSError:
        return [-1, -1]
    return [found.st_size, found.st_mtime_ns]


def _matplotlib_folder() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    return Path(spec.origin).parent if spec is not None and spec.origin else None


def _matplotlib_config(xdg: str, default: str) -> Path:
    """matplotlib's configuration or cache folder, found as matplotlib finds it."""
    if os.environ.get("MPLCONFIGDIR"):
        return Path(os.environ["MPLCONFIGDIR"])
    if sys.platform.startswith(("linux", "freebsd")):
        return Path(os.environ.get(xdg) or Path.home() / default) / "matplotlib"
    return Path.home() / ".matplotlib"


def _matplotlib_cache() -> Path:
    return _matplotlib_config("XDG_CACHE_HOME", ".cache")


def _matplotlib_settings() -> list[Path]:
    """The matplotlibrc files matplotlib may read (its own comes with its version)."""
    places = [Path.cwd() / "matplotlibrc"]
    if os.environ.get("MATPLOTLIBRC"):
        chosen = Path(os.environ["MATPLOTLIBRC"])
        places += [chosen, chosen / "matplotlibrc"]
    places.append(_matplotlib_config("XDG_CONFIG_HOME", ".config") / "matplotlibrc")
    return places
