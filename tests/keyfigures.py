"""Hand-written key-figure files for the comparison tests (no workbooks, no reports)."""

from __future__ import annotations

from pathlib import Path

from pipeline.contract import schema as contract

HEADER = "schema_version,kommunkod,kommun,ar,nyckeltal,dimension,kategori,varde,undertryckt\n"
POPULATION = {
    "Aneby": 6900,
    "Gnosjö": 9700,
    "Mullsjö": 7400,
    "Habo": 12600,
    "Gislaved": 29800,
    "Vaggeryd": 14400,
    "Jönköping": 143000,
    "Nässjö": 31500,
    "Värnamo": 34500,
    "Sävsjö": 11500,
    "Vetlanda": 27500,
    "Eksjö": 17600,
    "Tranås": 19300,
}


def figures(namn: str, year: int, service: bool = True) -> dict[tuple[str, str, str], object]:
    """Plausible figures that differ by municipality and year; None marks a hidden count."""
    people = POPULATION[namn]
    step = list(POPULATION).index(namn)
    received = round(people / 1000 * (4 + step % 5) + (year - 2023) * 3)
    far = round(received * 0.6)
    first = round(received * (0.7 + step % 3 / 20))
    values: dict[tuple[str, str, str], object] = {
        ("invanare", "", ""): people,
        ("arenden_inkomna", "", ""): received,
        ("far_inkomna", "", ""): far,
        ("forsta_samtal", "", ""): first,
        ("uppfoljande_samtal", "", ""): round(first * 1.4),
        ("uteblivna_samtal", "", ""): 3 + step,
        ("spontana_besok", "", ""): 10 + step,
        ("avbojda", "", ""): 2,
        ("recept_i_retur", "", ""): 1,
        ("styrgruppsmoten", "", ""): 4,
        ("deltagartimmar", "", ""): 100.5 + step * 10,
        ("unika_deltagare", "", ""): 40 + step,
        ("kanal", "", ""): None,
    }
    del values[("kanal", "", "")]
    values[("arenden_inkomna", "kanal", "FaR")] = far
    values[("arenden_inkomna", "kanal", "Remiss")] = received - far - 2
    values[("arenden_inkomna", "kanal", "Egen kontakt")] = 2
    women = round(received * 0.62)
    if received >= 20:
        values[("arenden_inkomna", "kon", "Kvinna")] = women
        values[("arenden_inkomna", "kon", "Man")] = received - women - 2
        values[("arenden_inkomna", "kon", "Annat/uppger ej")] = None  # 2: hidden
        if received - women - 2 < women:
            values[("arenden_inkomna", "kon", "Man")] = None  # secondary
    if service:
        with_first = round(received * 0.8)
        values[("arenden_med_forsta_samtal", "", "")] = with_first
        values[("forsta_samtal_inom_30_dagar", "", "")] = round(with_first * (0.6 + step / 40))
        values[("vantetid_dagar_median", "", "")] = 12.5 + step
        followed = round(first * 0.5)
        values[("klienter_med_uppfoljning", "", "")] = followed
        values[("klienter_med_uppfoljning", "foljsamhet", "Ja")] = round(followed * 0.5)
        values[("klienter_med_uppfoljning", "foljsamhet", "Delvis")] = round(followed * 0.3)
        values[("klienter_med_uppfoljning", "foljsamhet", "Nej")] = (
            followed - round(followed * 0.5) - round(followed * 0.3)
        )
        values[("klienter_med_uppfoljning", "foljsamhet", "uppgift saknas")] = 0
    return values


def text(namn: str, year: int, values: dict, flag_zero: str = "0") -> str:
    kommun = contract.kommun(namn)
    lines = []
    for (nyckeltal, dimension, kategori), value in sorted(values.items()):
        hidden = value is None
        number = "" if hidden else (f"{value}" if isinstance(value, float) else str(value))
        flag = "1" if hidden else flag_zero
        lines.append(
            f"1,{kommun.kod},{kommun.namn},{year},{nyckeltal},{dimension},{kategori},{number},{flag}\n"
        )
    return HEADER + "".join(lines)


def write(
    folder: Path,
    namn: str,
    year: int,
    values: dict | None = None,
    name: str | None = None,
    **kwargs,
) -> Path:
    values = figures(namn, year) if values is None else values
    path = folder / (name or f"{namn}-{year}-nyckeltal.csv")
    path.write_text(text(namn, year, values, **kwargs), encoding="utf-8", newline="")
    return path


def load(folder: Path):
    """The folder's key-figure files (and malvarden.csv) read as `make compare` reads them,
    without making the outputs."""
    from pipeline.comparison import job, reading, targets

    files, target_bytes = job.read_folder(folder)
    comparison = reading.load(files)
    if target_bytes is not None:
        targets.attach(comparison, target_bytes)
    return comparison
