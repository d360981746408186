"""What one change gave: `halsocenter rapport` at several git revisions, measured in one run.

    python -m bench.levers REV [REV ...]    (e.g. main HEAD~1 HEAD)

Each revision is unpacked (`git archive`) into a temporary folder and run with this
environment's Python and packages, its own code first on the path. The rounds are
interleaved (the floor, then each revision, then again), so that a shared machine's
load falls on all alike; each figure is the median of the rounds, and each ratio the
median of the ratios within a round. Two runs per revision and round: *first* with an
empty cache folder (HALSOCENTER_CACHE), *again* with the one the revision's earlier
runs filled. BENCH_ROUNDS (default 7) and BENCH_INPUT (a folder of workbooks; default
the realistic year of bench.generate) change what is measured.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench.generate import realistic
from bench.machine import machine
from bench.run import FLOOR_IMPORTS, ROOT, load

PYTHON = sys.executable


def _unpack(revision: str, target: Path) -> Path:
    folder = target / revision.replace("/", "_").replace("~", "-")
    folder.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(folder, filter="data")
    return folder


def _seconds(
    command: list[str], env: dict[str, str], cwd: Path | None = None
) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and what it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=cwd)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} misslyckades:\n{done.stdout}\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu


def main(revisions: list[str]) -> int:
    rounds = int(os.environ.get("BENCH_ROUNDS", "7"))
    folder = Path(os.environ.get("BENCH_INPUT") or realistic())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CI"] = "1"
    loads = [load()]
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        trees = {rev: _unpack(rev, scratch_path / "trees") for rev in revisions}
        caches = {rev: scratch_path / "cache" / str(i) for i, rev in enumerate(revisions)}
        times: dict[str, list[tuple[float, float]]] = {"floor": []}
        for rev in revisions:
            times[f"{rev} first"], times[f"{rev} again"] = [], []

        def report(rev: str, cache: Path) -> tuple[float, float]:
            run_env = {**env, "PYTHONPATH": str(trees[rev]), "HALSOCENTER_CACHE": str(cache)}
            out = scratch_path / "out"
            command = [PYTHON, "-m", "pipeline", "rapport", "--tvinga"]
            # Run from the revision's folder: `python -m` puts the working folder first.
            return _seconds([*command, "--in", str(folder), "--ut", str(out)], run_env, trees[rev])

        jobs = [("floor", None, None)]
        for rev in revisions:
            jobs += [(f"{rev} first", rev, "first"), (f"{rev} again", rev, "again")]
        for index in range(rounds + 1):  # the first round compiles and warms: not counted
            measured = {}
            # Each round in another order: what runs after what should not count.
            for key, rev, kind in jobs[index % len(jobs) :] + jobs[: index % len(jobs)]:
                if rev is None:
                    measured[key] = _seconds([PYTHON, "-c", FLOOR_IMPORTS], env)
                elif kind == "first":
                    empty = scratch_path / "empty" / f"{index}-{rev.replace('/', '_')}"
                    measured[key] = report(rev, empty)
                else:
                    measured[key] = report(rev, caches[rev])
            if index:
                for key, value in measured.items():
                    times[key].append(value)
            loads.append(load())
        if os.environ.get("BENCH_RAW"):
            for key, values in times.items():
                print(key, " ".join(f"{w:.2f}/{c:.2f}" for w, c in values))
    base = f"{revisions[0]} again"
    print(f"Maskin: {machine()}; belastning {min(loads):.1f}–{max(loads):.1f}; {rounds} varv.")
    print(f"Indata: {folder}")
    print("Vägg = väggklocka; cpu = användar- + systemtid för kommandot och dess hjälpprocesser.")
    print(
        f"{'':24} {'vägg s':>7} {'÷ golv':>7} {'÷ ' + revisions[0]:>11}"
        f" {'cpu s':>7} {'÷ golv':>7} {'÷ ' + revisions[0]:>11}"
    )
    for key, values in times.items():
        line = f"{key:24}"
        for at in (0, 1):
            own = [v[at] for v in values]
            floor = [v[at] for v in times["floor"]]
            base_values = [v[at] for v in times[base]]
            over_floor = statistics.median(v / f for v, f in zip(own, floor, strict=True))
            over_base = statistics.median(v / b for v, b in zip(own, base_values, strict=True))
            line += f" {statistics.median(own):7.3f} {over_floor:7.2f} {over_base:11.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or ["HEAD"]))
