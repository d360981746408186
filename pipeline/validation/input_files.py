"""Are the three workbooks there, under their names? Near misses are named.

The input is a mapping of file names to bytes: a folder (`Folder`, read only when a
file is asked for) or the files of an upload.
"""

from __future__ import annotations

import difflib
import fnmatch
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

from pipeline.contract import schema as contract
from pipeline.contract.schema import OTHER_FORMATS
from pipeline.publish.formatting import ord_for
from pipeline.validation.problems import Problem, file_problem, show_value


def _name_key(name: str) -> str:
    """A file name as the coach meant it: no case, spaces or invisible characters."""
    return "".join(c for c in unicodedata.normalize("NFC", name).casefold() if c.isalnum())


class Folder(Mapping[str, bytes]):
    """The files of a folder as file name → bytes; a file is read when it is asked for.

    A name is looked up as the file system does (on Windows and macOS, 'Remisser.xlsx'
    is remisser.xlsx).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def __getitem__(self, name: str) -> bytes:
        if name not in self:
            raise KeyError(name)
        return (self.folder / name).read_bytes()

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (self.folder / name).is_file()

    def __iter__(self) -> Iterator[str]:
        try:
            return iter(sorted(p.name for p in self.folder.iterdir() if p.is_file()))
        except OSError:
            return iter(())

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _near_misses(names: Iterable[str], fil: str, taken: set[str]) -> list[str]:
    """Files that look like a misspelt fil ('remisser .xlsx', 'Remisser.XLSX')."""
    candidates = {
        n: _name_key(Path(n).stem)
        for n in names
        if n not in taken
        and not n.startswith(("~$", "."))
        and Path(n).suffix.strip().casefold() == ".xlsx"
    }
    wanted = _name_key(Path(fil).stem)
    exact = [n for n, key in candidates.items() if key == wanted]
    if exact:
        return sorted(exact)
    close = difflib.get_close_matches(wanted, list(candidates.values()), n=1, cutoff=0.8)
    return sorted(n for n, key in candidates.items() if key in close)


def find_problems_with_files(given: Collection[str], source: str | None = None) -> list[Problem]:
    """Missing workbooks, near-miss names, or workbooks saved in another format.

    `given` holds the names of the files (a mapping of names to bytes will do); `source`
    is where they are (a folder), as a missing file's message names it.
    """
    names = list(given)
    where = f" i {source}" if source else ""
    problems = []
    files = contract.files()
    taken = set(files)
    for fil in files:
        if fil in given:
            continue
        stem = Path(fil).stem
        others = sorted(
            n
            for n in names
            if fnmatch.fnmatchcase(n, f"{stem}.*")
            and Path(n).suffix.lower() in OTHER_FORMATS
            and not n.startswith(("~$", "."))
        )
        near = _near_misses(names, fil, taken)
        if near:
            found = ", ".join(f"'{show_value(n)}'" for n in near)
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas{where}; hittade {found} – menade du {fil}?",
                    f"Byt namn på filen till exakt {fil}"
                    + (" (utan mellanslag)" if any(" " in n for n in near) else "")
                    + " och kör igen.",
                )
            )
        elif others:
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas, men {', '.join(others)} finns. Programmet läser bara "
                    "Excel-arbetsböcker (.xlsx).",
                    f"Öppna filen i Excel och välj Spara som > Excel-arbetsbok (*.xlsx) med namnet "
                    f"{fil}.",
                )
            )
        else:
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas{where}.",
                    f"Lägg alla {ord_for(len(files))} arbetsböckerna i mappen: "
                    + ", ".join(files)
                    + ".",
                )
            )
    return problems
