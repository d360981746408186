"""make bench: the pipeline measured against the floor, from a county-year to a million rows.

The inputs (bench/generate.py): the realistic year (`halsocenter exempel --kommun
Jönköping --ar 2023`, about 10 000 attendance rows), 1 000 to 1 000 000 attendance rows
where 97 % of the rows have an ID of their own (the worst case), and 1 000 000 rows where
each participant comes to about twenty sessions, as in real groups. Referrals are a
tenth of the attendance rows.

For each input, in rounds that interleave everything measured (a shared machine's load
then falls on all alike), each figure the median of the rounds and each ratio the median
of the ratios within a round:
- the floor: interpreter start-up + `import pandas, pandera, docx, matplotlib`, plus the
  bare time to read the same workbooks with python-calamine; and the job's own floor,
  the libraries this job cannot do without (pandas, python-docx) plus the same read;
- `make report` end to end: *again* with the user's cache folder as an earlier run left
  it (charts whose numbers did not change are not drawn again), and, for the realistic
  year, *new figures* with that cache less its charts (as after new data: the charts are
  drawn) and *first* with an empty one; its peak memory (the command and every process it
  waits for);
- the stages of one report run in one process (read, validate, aggregate, render, write);
- the size-limit check (which also finds the sheets that may hold a formula) and the
  formula scan of those sheets, alone.
The million-row inputs are measured with one core kept busy on purpose (a spinning
process), floor and all: the program's helper processes then share a core, as on a
machine that does other work. Then `halsocenter --help` against a bare interpreter's
start, `make compare` over 13 × 10 and 290 × 10 key-figure files, and the bombs of
bench/bombs.py. Results go to bench/results.md. BENCH_SIZES=exempel,1000,1000000u picks
inputs (u: repeated participants); BENCH_ROUNDS the rounds (default 5, 3 for a million).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from bench import bombs  # noqa: E402
from bench import region as region_bench  # noqa: E402
from bench.generate import DATA, inputs, realistic  # noqa: E402
from bench.machine import machine  # noqa: E402
from pipeline.contract import schema as contract  # noqa: E402

CASES = ["exempel", "1000", "10000", "100000", "1000000", "1000000u"]
ROUNDS = 5
BIG_ROUNDS = 3
BUSY_FROM = 1_000_000  # rows: measured with one core busy
PYTHON = sys.executable
VENV = Path(sys.executable).parents[1]  # make uses the environment bench runs in
RESULTS = ROOT / "bench" / "results.md"
# The floor: what any program doing this job with these libraries imports.
FLOOR_IMPORTS = "import pandas, pandera, docx, matplotlib"
# The job's own floor: the libraries it cannot do without (tables and the Word file).
JOB_FLOOR_IMPORTS = "import pandas, docx"

READ_ONLY = """
import sys, time
start = time.perf_counter()
import python_calamine
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
print(time.perf_counter() - start)
"""

# Wall seconds, CPU seconds and peak memory (MB) of a command and what it waits for,
# measured from a process of its own (so that the peak is this command's alone).
TIMED = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
used = resource.getrusage(resource.RUSAGE_CHILDREN)
if done.returncode != 0:
    sys.exit(f"{' '.join(sys.argv[1:])} misslyckades:\\n{done.stdout}\\n{done.stderr}")
print(json.dumps([seconds, used.ru_utime + used.ru_stime, used.ru_maxrss / 1024]))
"""

LIMITS_AND_SCAN = """
import json, sys, time
from pathlib import Path
from pipeline.validation.inspect_xlsx import formulas_without_value
from pipeline.validation.xlsx_zip import measure
paths = sorted(Path(sys.argv[1]).glob("*.xlsx"))
start = time.perf_counter()
found = [measure(path) for path in paths]
limits = time.perf_counter() - start
start = time.perf_counter()
for path, measured in zip(paths, found):
    formulas_without_value(path, measured.formula_parts)
print(json.dumps({"limits": limits, "scan": time.perf_counter() - start}))
"""


def environment(cache: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CI"] = "1"  # no progress lines
    if cache is not None:
        env["HALSOCENTER_CACHE"] = str(cache)
    return env


def timed(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Wall and CPU seconds and peak memory of a command (see TIMED)."""
    done = subprocess.run(
        [PYTHON, "-c", TIMED, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env or environment(),
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr or done.stdout)
    wall, cpu, peak = json.loads(done.stdout)
    return {"wall": wall, "cpu": cpu, "peak": peak}


def printed(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, env=env or environment()
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} misslyckades:\n{done.stdout}\n{done.stderr}")
    return done.stdout


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


@contextlib.contextmanager
def one_core_busy(busy: bool):
    """A process that keeps one core busy while the block runs (when `busy`)."""
    if not busy:
        yield
        return
    spinner = subprocess.Popen([PYTHON, "-c", "while True: pass"])
    try:
        yield
    finally:
        spinner.kill()
        spinner.wait()


def folder_of(case: str) -> Path:
    if case == "exempel":
        return realistic()
    return inputs(int(case.removesuffix("u")), repeated=case.endswith("u"))


def rows_of(folder: Path) -> int:
    """Attendance rows in the report year's workbook (the realistic year's own count)."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(folder / "aktiviteter.xlsx"))
    name = contract.sheet("narvaro").namn
    return len(book.get_sheet_by_name(name).to_python()) - 1


def median_ratio(values: list[float], bases: list[float]) -> float:
    return statistics.median(v / b for v, b in zip(values, bases, strict=True))


def measure_case(case: str, rounds: int) -> dict:
    folder = folder_of(case)
    rows = rows_of(folder) if case == "exempel" else int(case.removesuffix("u"))
    busy = rows >= BUSY_FROM
    first_too = case == "exempel"
    make = ["make", "--no-print-directory", "report", f"RAW={folder}", f"VENV={VENV}"]
    series: dict[str, list] = {}

    def add(key: str, value) -> None:
        series.setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory() as scratch, one_core_busy(busy):
        kept_cache = Path(scratch) / "cache"
        # One run that is not counted: compiled modules, a filled cache, the page cache.
        printed([*make, f"OUT={Path(scratch) / 'warm'}"], environment(kept_cache))
        for index in range(rounds):
            add("floor_imports", timed([PYTHON, "-c", FLOOR_IMPORTS])["wall"])
            add("job_imports", timed([PYTHON, "-c", JOB_FLOOR_IMPORTS])["wall"])
            add("read", float(printed([PYTHON, "-c", READ_ONLY, str(folder)])))
            # Each run writes to a new folder: a whole run, never "nothing has changed".
            out = Path(scratch) / f"igen{index}"
            add("again", timed([*make, f"OUT={out}"], environment(kept_cache)))
            if first_too:
                # New figures: the kept cache without its charts, as after new data.
                shutil.rmtree(kept_cache / "diagram", ignore_errors=True)
                out = Path(scratch) / f"nya{index}"
                add("new", timed([*make, f"OUT={out}"], environment(kept_cache)))
                empty = Path(scratch) / f"tom{index}"
                out = Path(scratch) / f"forsta{index}"
                add("first", timed([*make, f"OUT={out}"], environment(empty)))
            stage_line = printed([PYTHON, "bench/stages.py", str(folder)], environment(kept_cache))
            add("stages", json.loads(stage_line.splitlines()[-1]))
            add("checks", json.loads(printed([PYTHON, "-c", LIMITS_AND_SCAN, str(folder)])))
    floor = [i + r for i, r in zip(series["floor_imports"], series["read"], strict=True)]
    job_floor = [i + r for i, r in zip(series["job_imports"], series["read"], strict=True)]
    result = {
        "case": case,
        "rows": rows,
        "busy": busy,
        "rounds": rounds,
        "mb_disk": sum(p.stat().st_size for p in folder.glob("*.xlsx")) / 1e6,
        "floor_imports": statistics.median(series["floor_imports"]),
        "job_imports": statistics.median(series["job_imports"]),
        "read": statistics.median(series["read"]),
        "limits": statistics.median(c["limits"] for c in series["checks"]),
        "scan": statistics.median(c["scan"] for c in series["checks"]),
    }
    for kind in ("again", "new", "first"):
        if kind not in series:
            continue
        walls = [r["wall"] for r in series[kind]]
        result[kind] = {
            "wall": statistics.median(walls),
            "floor": median_ratio(walls, floor),
            "job_floor": median_ratio(walls, job_floor),
            "read": median_ratio(walls, series["read"]),
            "peak": max(r["peak"] for r in series[kind]),
        }
    stages = series["stages"]
    result["stages"] = {key: statistics.median(s[key] for s in stages) for key in stages[0]}
    result["stages"]["maxrss_mb"] = max(s["maxrss_mb"] for s in stages)
    return result


def measure_help(rounds: int = 21) -> dict:
    """`halsocenter --help` against `python -c pass`, in turns; the median of the ratios."""
    script = VENV / "bin" / "halsocenter"
    with tempfile.TemporaryDirectory() as cache:
        env = environment(Path(cache))
        printed([str(script), "--help"], env)  # builds the contract once and keeps it
        bare, helped = [], []
        for _ in range(rounds):
            bare.append(timed([PYTHON, "-c", "pass"], env)["wall"])
            helped.append(timed([str(script), "--help"], env)["wall"])
    return {
        "bare": statistics.median(bare),
        "help": statistics.median(helped),
        "ratio": median_ratio(helped, bare),
        "rounds": rounds,
    }


def _figure_files(municipalities: int, years: int) -> Path:
    """Key-figure files: the 13 of the county, and from other municipalities for the rest
    (each the example's figures scaled as bench/region.py scales them)."""
    target = DATA / f"jamforelse-{municipalities}x{years}-v2"
    if (target / ".klar").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    county = list(contract.kommuner())
    rng = random.Random(municipalities)
    for index in range(municipalities):
        if index < len(county):
            kod, name = county[index].kod, county[index].namn
        else:  # other municipalities of Sweden: read, checked and set aside by compare
            kod, name = f"{1000 + index:04d}", f"Kommun {1000 + index}"
        for year in range(2015, 2015 + years):
            data = region_bench.key_figures(kod, name, year, rng)
            (target / f"{name}-{year}-nyckeltal.csv").write_bytes(data)
    (target / ".klar").touch()
    return target


def measure_compare(municipalities: int, years: int) -> dict:
    folder = _figure_files(municipalities, years)
    times = []
    env = environment()
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as out:
            command = ["make", "--no-print-directory", "compare", f"IN={folder}", f"OUT={out}"]
            start = time.perf_counter()
            # Files from outside the county are set aside: for 290 × 10 that is not exit 0.
            subprocess.run(
                [*command, f"VENV={VENV}"], cwd=ROOT, capture_output=True, check=False, env=env
            )
            times.append(time.perf_counter() - start)
    return {
        "files": municipalities * years,
        "label": f"{municipalities} × {years}",
        "seconds": statistics.median(times),
    }


def region_section() -> str:
    """The portal's /region/ with 13 municipalities × 10 years against a bare Django page
    (bench/region.py, in a process of its own: Django stays out of this one)."""
    lines = printed([PYTHON, "-m", "bench.region"]).strip().splitlines()
    return "\n".join(
        [
            "## Portalen: /region/ med 13 kommuner × 10 år",
            "",
            "`python -m bench.region`: en ny SQLite-databas med en giltig inlämning per kommun "
            "och år; samma inloggade regionanvändare ber omväxlande om en tom Django-sida och "
            "om /region/ (Djangos testklient, hela kedjan av middleware, ingen webbserver).",
            "",
            *(f"- {line}" for line in lines),
        ]
    )


def profile(folder: Path, rows: int) -> str:
    path = ROOT / "bench" / f"profile-{rows}.txt"
    printed([PYTHON, "bench/stages.py", str(folder), str(path)])
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    return "\n".join(lines[start : start + 16])


def _s(x: float) -> str:
    return f"{x:.2f}"


def _label(r: dict) -> str:
    rows = f"{r['rows']:,}".replace(",", " ")
    if r["case"] == "exempel":
        return f"Jönköping 2023 (`halsocenter exempel`), {rows}"
    if r["case"].endswith("u"):
        return f"{rows}, upprepade deltagare"
    return rows


def tables(results: list[dict], help_result: dict, compares: list[dict]) -> str:
    lines = [
        "| närvarorader | golv: import | calamine-läsning | jobbets golv: import "
        "| `make report` | ÷ golv | ÷ jobbets golv | ÷ läsning | topp-RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for kind, name in (
            ("first", "första gången"),
            ("new", "nya siffror"),
            ("again", "igen"),
        ):
            if kind not in r:
                continue
            run = r[kind]
            busy = " (en kärna upptagen)" if r["busy"] else ""
            label = f"{_label(r)}{busy}" + (f", {name}" if "first" in r else "")
            lines.append(
                f"| {label} | {_s(r['floor_imports'])} | {_s(r['read'])} | "
                f"{_s(r['job_imports'])} | {_s(run['wall'])} | **{run['floor']:.2f}** | "
                f"{run['job_floor']:.2f} | {run['read']:.2f} | {run['peak']:.0f} |"
            )
    stages = [
        "| närvarorader | läsa | gränser | validera | räkna | rendera | skriva | topp-RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r["stages"]
        stages.append(
            f"| {_label(r)} | {_s(s['read'])} | {_s(s['limits'])} | {_s(s['validate'])} | "
            f"{_s(s['aggregate'])} | {_s(s['render'])} | {_s(s['write'])} | "
            f"{s['maxrss_mb']:.0f} |"
        )
    checks = [
        "| närvarorader | MB på disk | calamine-läsning | gränskontroll | ÷ läsning | "
        "formelkontroll | ÷ läsning |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        checks.append(
            f"| {_label(r)} | {r['mb_disk']:.1f} | {_s(r['read'])} | {_s(r['limits'])} | "
            f"{r['limits'] / r['read']:.2f} | {r['scan']:.3f} | {r['scan'] / r['read']:.3f} |"
        )
    helped = (
        f"`halsocenter --help`: {help_result['help'] * 1000:.0f} ms mot "
        f"{help_result['bare'] * 1000:.0f} ms för `python -c pass`, **"
        f"{help_result['ratio']:.2f} gånger** en tom tolks start (medianen av "
        f"{help_result['rounds']} par)."
    )
    compare = ["| `make compare` över | filer | sekunder |", "|---|---:|---:|"]
    for c in compares:
        compare.append(f"| {c['label']} | {c['files']} | {c['seconds']:.2f} |")
    return "\n".join([*lines, "", helped, "", *compare, "", *stages, "", *checks])


def main() -> int:
    chosen = [x for x in os.environ.get("BENCH_SIZES", "").split(",") if x] or CASES
    rounds = int(os.environ.get("BENCH_ROUNDS", "0"))
    results = []
    loads = [load()]
    for case in chosen:
        print(f"Mäter {case} ...", flush=True)
        big = case.removesuffix("u").isdigit() and int(case.removesuffix("u")) >= BUSY_FROM
        results.append(measure_case(case, rounds or (BIG_ROUNDS if big else ROUNDS)))
        loads.append(load())
    print("Mäter halsocenter --help ...", flush=True)
    help_result = measure_help()
    print("Mäter make compare ...", flush=True)
    compares = [measure_compare(13, 10), measure_compare(290, 10)]
    loads.append(load())
    print("Mäter bomberna ...", flush=True)
    bomb_results = bombs.measure_all()
    print("Mäter portalens /region/ ...", flush=True)
    region = region_section()
    profiled = next((r for r in results if r["case"] == "100000"), results[-1])
    where = profile(folder_of(profiled["case"]), profiled["rows"])
    text = "\n".join(
        [
            "# Benchmark",
            "",
            f"Maskin: {machine()}.{load_text(loads)}",
            "",
            "Sekunder, medianen av varven (exemplet och upp till 100 000 rader: 5 varv, en "
            "miljon: 3); i varje varv körs allt som mäts, omväxlande, så att maskinens "
            "övriga belastning faller lika på allt. *Golv* = tolkarens start + `import "
            "pandas, pandera, docx, matplotlib` + calamine-läsningen av samma "
            "arbetsböcker; *jobbets golv* = start + `import pandas, docx` (det jobbet inte "
            "klarar sig utan) + samma läsning. Kvoterna är medianen av kvoterna inom varje "
            "varv. *Igen* = med användarens cachemapp som en tidigare körning lämnade den "
            "(diagram vars siffror inte ändrats ritas inte om); *nya siffror* = samma "
            "cachemapp utan dess diagram, som när året har nya siffror (diagrammen ritas); "
            "*första gången* = med en tom cachemapp. *Topp-RSS* = största minnet hos "
            "kommandot eller någon av dess hjälpprocesser. Med en miljon rader hålls en "
            "kärna upptagen med flit (en process som snurrar), under golvet också: "
            "programmets hjälpprocesser får då dela kärna, som på en dator som gör annat "
            "samtidigt. Remisserna är en tiondel av "
            "närvaroraderna; *upprepade deltagare* = varje deltagare kommer till ett tjugotal "
            "tillfällen, som i riktiga grupper (annars har 97 % av raderna en egen kod).",
            "",
            tables(results, help_result, compares),
            "",
            "`make compare` över 290 × 10 läser alla filer, kontrollerar dem och lägger åt sidan "
            "de 2 770 som kommer från kommuner utanför länet; de 13 × 10 från länet jämförs.",
            "",
            "Stegen mäts i en körning av rapporten i samma process (`bench/stages.py`, med "
            "cachen som en tidigare körning lämnade den). *Gränskontroll* = storleksgränserna "
            "(zip-katalogen och varje dels verkliga uppackade storlek; samma genomgång ser "
            "vilka flikar som kan ha formler) och *formelkontroll* = sökningen efter formler "
            "utan sparat resultat i de flikarna, för alla tre arbetsböckerna i en process; "
            "*÷ läsning* = delat med calamine-läsningen.",
            "",
            "## Bomber",
            "",
            "En remisser.xlsx byggd för att ta slut på minnet, bredvid de vanliga arbetsböckerna "
            "med 1 000 närvarorader; `halsocenter kontrollera` på mappen. *Topp-RSS* = det "
            "största minnet hos kommandot eller någon av dess hjälpprocesser.",
            "",
            bombs.table(bomb_results),
            "",
            region,
            "",
            f"## Var tiden går ({_label(profiled)} närvarorader; cProfile, sorterat efter "
            "egen tid)",
            "",
            "```",
            where,
            "```",
            "",
        ]
    )
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    print(f"\nSkrev {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
