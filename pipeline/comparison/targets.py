"""The region's targets (malvarden.csv) and a value's status against one.

Each line names a measure, a target and which direction is better; the direction
must agree with the measure's own (`battre` in jamforelse.yaml). A line that is
wrong is reported and skipped: the rest of the targets, and the comparison, stand.
"""

from __future__ import annotations

from pipeline.comparison.reading import Comparison, FileProblem, decode, number, rows
from pipeline.comparison.value import Target
from pipeline.contract.comparison import Better, measures

TARGETS_FILE = "malvarden.csv"
COLUMNS = ("matt", "malvarde", "battre")


def read(data: bytes, name: str = TARGETS_FILE) -> tuple[dict[str, Target], list[str]]:
    """The targets by measure id, and a Swedish line for each line skipped."""
    try:
        text, _ = decode(data)
    except FileProblem as error:
        return {}, [f"{name}: {error} Filen används inte."]
    _, lines = rows(text)
    header = [h.strip().casefold() for h in lines[0]] if lines else []
    if any(c not in header for c in COLUMNS):
        return {}, [f"{name}: kolumnerna ska vara matt, malvarde och battre. Filen används inte."]
    known = {m.id: m for m in measures()}
    problems: list[str] = []
    targets: dict[str, Target] = {}
    for line_number, row in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        matt, malvarde, battre = (row[header.index(c)].strip() for c in COLUMNS)
        where = f"{name} rad {line_number}"
        if matt not in known:
            problems.append(
                f"{where}: okänt mått '{matt}'; raden hoppades över. Måtten är {', '.join(known)}."
            )
            continue
        try:
            goal = number(malvarde)
        except ValueError:
            problems.append(
                f"{where}: målvärdet '{malvarde}' är inte ett tal; raden hoppades över."
            )
            continue
        direction = battre.casefold()
        if direction not in (Better.HIGHER, Better.LOWER):
            problems.append(
                f"{where}: battre ska vara '{Better.HIGHER}' eller '{Better.LOWER}', inte "
                f"'{battre}'; raden hoppades över."
            )
            continue
        if direction != known[matt].battre:
            own = known[matt].battre
            said = "inget håll är bättre" if own == Better.NEITHER else f"{own} är bättre"
            problems.append(
                f"{where}: battre är '{battre}', men för {matt} säger jamforelse.yaml att "
                f"{said}; raden hoppades över. Rätta battre eller ta bort raden."
            )
            continue
        if matt in targets:
            problems.append(f"{where}: {matt} har redan ett målvärde; raden hoppades över.")
            continue
        targets[matt] = Target(matt, goal, Better(direction))
    return targets, problems


def attach(comparison: Comparison, data: bytes, name: str = TARGETS_FILE) -> None:
    """The region's targets onto a comparison; without this, nothing is said of targets."""
    comparison.has_targets_file = True
    comparison.targets, comparison.target_problems = read(data, name)
