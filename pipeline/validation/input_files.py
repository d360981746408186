"""Are the three workbooks there, under their names? Near misses are named."""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

from pipeline.contract import schema as contract
from pipeline.publish.formatting import ord_for
from pipeline.validation.problems import Problem, file_problem, show_value

OTHER_FORMATS = (".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".numbers")


def _name_key(name: str) -> str:
    """A file name as the coach meant it: no case, spaces or invisible characters."""
    return "".join(c for c in unicodedata.normalize("NFC", name).casefold() if c.isalnum())


def _near_misses(raw_dir: Path, fil: str, taken: set[str]) -> list[str]:
    """Files in raw_dir that look like a misspelt fil ('remisser .xlsx', 'Remisser.XLSX')."""
    try:
        names = [p.name for p in raw_dir.iterdir() if p.is_file()]
    except OSError:
        return []
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


def find_problems_with_files(raw_dir: Path) -> list[Problem]:
    """Missing workbooks, near-miss names, or workbooks saved in another format."""
    problems = []
    files = contract.files()
    taken = set(files)
    for fil in files:
        path = raw_dir / fil
        if path.is_file():
            continue
        stem = path.stem
        others = sorted(
            p.name
            for p in raw_dir.glob(f"{stem}.*")
            if p.suffix.lower() in OTHER_FORMATS and not p.name.startswith(("~$", "."))
        )
        near = _near_misses(raw_dir, fil, taken)
        if near:
            found = ", ".join(f"'{show_value(n)}'" for n in near)
            problems.append(
                file_problem(
                    fil,
                    f"Filen {fil} saknas i {raw_dir}; hittade {found} – menade du {fil}?",
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
                    f"Filen {fil} saknas i {raw_dir}.",
                    f"Lägg alla {ord_for(len(files))} arbetsböckerna i mappen: "
                    + ", ".join(files)
                    + ".",
                )
            )
    return problems
