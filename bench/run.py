"""make bench: the pipeline measured against the floor, from one county-year to a million rows.

For each size (attendance rows; referrals are a tenth of that), best of 3:
- floor: interpreter start-up + `import pandas, pandera, docx, matplotlib`, plus the bare
  time to read the same workbooks with python-calamine;
- the stages of one report run (read, validate, aggregate, render, write);
- end-to-end `make report` and its peak memory (RSS);
- the ratios end-to-end ÷ floor and end-to-end ÷ calamine read;
- the size-limit check and the formula scan of the same workbooks, alone (each file
  unpacked once by each; in a report run the scan of a large file overlaps the reading).
Then `make compare` over 13 × 10 and 290 × 10 key-figure files, and the bombs of
bench/bombs.py (refused with one line, and how much memory that took). Results go to
bench/results.md and are printed as a table. BENCH_SIZES=1000,10000 picks sizes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from bench import bombs  # noqa: E402
from bench.generate import DATA, inputs  # noqa: E402
from pipeline.contract import schema as contract  # noqa: E402
from pipeline.report import job as report_job  # noqa: E402

SIZES = [1_000, 10_000, 100_000, 1_000_000]
REPEAT = 3
PYTHON = sys.executable
VENV = Path(sys.executable).parents[1]  # make uses the environment bench runs in
RESULTS = ROOT / "bench" / "results.md"
# The floor: what any program doing this job with these libraries imports.
FLOOR_IMPORTS = "import pandas, pandera, docx, matplotlib"

READ_ONLY = """
import sys, time, python_calamine
from pathlib import Path
start = time.perf_counter()
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
print(time.perf_counter() - start)
"""


LIMITS_AND_SCAN = """
import json, sys, time
from pathlib import Path
from pipeline.validation.inspect_xlsx import formulas_without_value
from pipeline.validation.xlsx_zip import check_limits
paths = sorted(Path(sys.argv[1]).glob("*.xlsx"))
start = time.perf_counter()
for path in paths:
    check_limits(path)
limits = time.perf_counter() - start
start = time.perf_counter()
for path in paths:
    formulas_without_value(path)
print(json.dumps({"limits": limits, "scan": time.perf_counter() - start}))
"""


def run(command: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    """Wall seconds and stdout of a command (with CI=1: no progress lines)."""
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, env={**os.environ, "CI": "1"}
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} misslyckades:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} kärnor{memory}; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def load() -> float | None:
    """The machine's load average over the last minute (None where the system has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def load_text(loads: list[float | None]) -> str:
    """What else ran: on a shared machine every time grows with it, the ratios much less."""
    known = [x for x in loads if x is not None]
    if not known:
        return ""
    low, high = (f"{x:.1f}".replace(".", ",") for x in (min(known), max(known)))
    return (
        f" Belastning (load average, 1 min) under mätningen: {low}–{high} på "
        f"{os.cpu_count()} kärnor."
    )


def measure_size(rows: int) -> dict:
    folder = inputs(rows)
    floor_imports = min(run([PYTHON, "-c", FLOOR_IMPORTS])[0] for _ in range(REPEAT))
    read = min(float(run([PYTHON, "-c", READ_ONLY, str(folder)])[1]) for _ in range(REPEAT))
    checks = [json.loads(run([PYTHON, "-c", LIMITS_AND_SCAN, str(folder)])[1]) for _ in range(3)]
    stage_runs = [
        json.loads(run([PYTHON, "bench/stages.py", str(folder)])[1].splitlines()[-1])
        for _ in range(REPEAT)
    ]
    stages = {key: min(r[key] for r in stage_runs) for key in stage_runs[0]}
    stages["maxrss_mb"] = max(r["maxrss_mb"] for r in stage_runs)
    end_to_end = []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as out:
            seconds, _ = run(
                [
                    "make",
                    "--no-print-directory",
                    "report",
                    f"RAW={folder}",
                    f"OUT={out}",
                    f"VENV={VENV}",
                ]
            )
            end_to_end.append(seconds)
    floor = floor_imports + read
    mb_disk = sum(p.stat().st_size for p in folder.glob("*.xlsx")) / 1e6
    e2e = min(end_to_end)
    return {
        "rows": rows,
        "mb_disk": mb_disk,
        "floor_imports": floor_imports,
        "calamine_read": read,
        "floor": floor,
        **stages,
        "end_to_end": e2e,
        "ratio_floor": e2e / floor,
        "ratio_read": e2e / read,
        "limits": min(c["limits"] for c in checks),
        "scan": min(c["scan"] for c in checks),
    }


def _figure_files(folder: Path, municipalities: int, years: int) -> Path:
    """Key-figure files: the 13 of the county, and from other municipalities for the rest."""
    target = DATA / f"jamforelse-{municipalities}x{years}"
    if (target / ".klar").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    example = next(folder.glob("*-nyckeltal.csv")).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(example)))
    county = list(contract.kommuner())
    rng = random.Random(municipalities)
    for index in range(municipalities):
        if index < len(county):
            kod, name = county[index].kod, county[index].namn
        else:  # other municipalities of Sweden: read, checked and set aside by compare
            kod, name = f"{1000 + index:04d}", f"Kommun {1000 + index}"
        for year in range(2015, 2015 + years):
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(rows[0])
            for row in rows[1:]:
                value = row[7]
                if value and "." not in value:
                    value = str(max(0, round(int(value) * rng.uniform(0.5, 1.5))))
                writer.writerow([row[0], kod, name, year, *row[4:7], value, row[8]])
            (target / f"{name}-{year}-nyckeltal.csv").write_text(out.getvalue(), encoding="utf-8")
    (target / ".klar").touch()
    return target


def measure_compare(example_out: Path, municipalities: int, years: int) -> dict:
    folder = _figure_files(example_out, municipalities, years)
    times = []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as out:
            command = [
                "make",
                "--no-print-directory",
                "compare",
                f"IN={folder}",
                f"OUT={out}",
                f"VENV={VENV}",
            ]
            start = time.perf_counter()
            # Exit code 1 is expected for 290 × 10: files from outside the county are set aside.
            subprocess.run(
                command, cwd=ROOT, capture_output=True, check=False, env={**os.environ, "CI": "1"}
            )
            times.append(time.perf_counter() - start)
    return {
        "files": municipalities * years,
        "label": f"{municipalities} × {years}",
        "seconds": min(times),
    }


def profile(rows: int) -> str:
    path = ROOT / "bench" / f"profile-{rows}.txt"
    run([PYTHON, "bench/stages.py", str(inputs(rows)), str(path)])
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    return "\n".join(lines[start : start + 16])


def table(results: list[dict], compares: list[dict]) -> str:
    def s(x):
        return f"{x:.2f}"

    checks = [
        "| närvarorader | MB på disk | calamine-läsning | gränskontroll | ÷ läsning | "
        "formelkontroll | ÷ läsning |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        checks.append(
            f"| {r['rows']:,} | {r['mb_disk']:.1f} | {s(r['calamine_read'])} | "
            f"{s(r['limits'])} | {r['limits'] / r['calamine_read']:.2f} | {s(r['scan'])} | "
            f"{r['scan'] / r['calamine_read']:.2f} |".replace(",", " ")
        )

    lines = [
        "| närvarorader | golv: import | golv: calamine-läsning | läsa | validera | "
        "räkna | rendera | skriva | `make report` | ÷ golv | ÷ läsning | topp-RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {s(r['floor_imports'])} | {s(r['calamine_read'])} | "
            f"{s(r['read'])} | {s(r['validate'])} | {s(r['aggregate'])} | {s(r['render'])} | "
            f"{s(r['write'])} | {s(r['end_to_end'])} | {r['ratio_floor']:.2f} | "
            f"{r['ratio_read']:.2f} | {r['maxrss_mb']:.0f} |".replace(",", " ")
        )
    lines += ["", "| `make compare` över | filer | sekunder |", "|---|---:|---:|"]
    for c in compares:
        lines.append(f"| {c['label']} | {c['files']} | {c['seconds']:.2f} |")
    return "\n".join([*lines, "", *checks])


def main() -> int:
    sizes = [int(x) for x in os.environ.get("BENCH_SIZES", "").split(",") if x] or SIZES
    results = []
    loads = [load()]
    for rows in sizes:
        print(f"Mäter {rows} närvarorader ...", flush=True)
        results.append(measure_size(rows))
        loads.append(load())
    with tempfile.TemporaryDirectory() as out:
        example = report_job.build_report(ROOT / "data" / "example", Path(out))
        if example.status != report_job.Status.DONE:
            raise SystemExit("exemplets rapport misslyckades")
        print("Mäter make compare ...", flush=True)
        compares = [measure_compare(Path(out), 13, 10), measure_compare(Path(out), 290, 10)]
    print("Mäter bomberna ...", flush=True)
    bomb_results = bombs.measure_all()
    profile_rows = 100_000 if 100_000 in sizes else sizes[-1]
    where = profile(profile_rows)
    text = "\n".join(
        [
            "# Benchmark",
            "",
            f"Maskin: {machine()}.{load_text(loads)}",
            "",
            "Sekunder, bäst av 3. *Golv: import* = tolkarens start + "
            "`import pandas, pandera, docx, matplotlib`; *golv: calamine-läsning* = "
            "bara läsningen av samma arbetsböcker med "
            "python-calamine. *÷ golv* = `make report` delat med summan av de två; *÷ läsning* = "
            "`make report` delat med calamine-läsningen. Stegen (läsa … skriva) mäts i en körning "
            "av rapporten i samma process. Referenserna är en tiondel av närvaroraderna.",
            "",
            table(results, compares),
            "",
            "`make compare` över 290 × 10 läser alla filer, kontrollerar dem och lägger åt sidan "
            "de 2 770 som kommer från kommuner utanför länet; de 13 × 10 från länet jämförs.",
            "",
            "*Gränskontroll* = storleksgränserna (zip-katalogen och varje dels verkliga "
            "uppackade storlek) och *formelkontroll* = sökningen efter formler utan sparat "
            "resultat, för alla tre arbetsböckerna i en process, bäst av 3; *÷ läsning* = "
            "delat med calamine-läsningen. I en körning görs gränskontrollen före läsningen och "
            "formelkontrollen av en stor fil i en egen process medan den läses.",
            "",
            "## Bomber",
            "",
            "En remisser.xlsx byggd för att ta slut på minnet, bredvid de vanliga arbetsböckerna "
            "med 1 000 närvarorader; `halsocenter kontrollera` på mappen. *Topp-RSS* = det "
            "största minnet hos kommandot eller någon av dess hjälpprocesser.",
            "",
            bombs.table(bomb_results),
            "",
            f"## Var tiden går ({f'{profile_rows:,}'.replace(',', ' ')} närvarorader; "
            "cProfile, sorterat efter egen tid)",
            "",
            "```",
            where,
            "```",
            "",
        ]
    )
    RESULTS.write_text(text, encoding="utf-8")
    print(table(results, compares))
    print(bombs.table(bomb_results))
    print(f"\nSkrev {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
