"""Workbooks built to exhaust the machine, and what `halsocenter kontrollera` does with them.

Each bomb is a remisser.xlsx of at most a few megabytes beside the ordinary 1 000-row
workbooks: shared texts or a sheet that unpack to gigabytes, a zip directory that lies
about a part's size, millions of tiny texts, a declared number of texts in the billions,
two values far apart, a long text copied into many cells. Each
must end in one Swedish line and exit 1, with the peak memory of the run (the command
and every process it waits for) far under 1 GB. Built once into bench/data/bomber/.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.generate import DATA, inputs

ROOT = Path(__file__).resolve().parents[1]
VERSION = "1"
GB = 1_000_000_000
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHARED_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _copy_with(source: Path, target: Path, parts: dict[str, object]) -> None:
    """source's parts into target; a part in `parts` is replaced by bytes or by a function
    that writes it in chunks (so that gigabytes never sit in memory)."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                data = data.replace(b"</Types>", SHARED_TYPE)
            if info.filename not in parts:
                new.writestr(info.filename, data)
        for name, content in parts.items():
            if isinstance(content, bytes):
                new.writestr(name, content)
            else:
                with new.open(name, "w", force_zip64=True) as part:
                    content(part)


def _repeat(head: bytes, body: bytes, size: int, tail: bytes):
    def write(part) -> None:
        part.write(head)
        chunk = body * max(1, (1 << 20) // len(body))
        for _ in range(size // len(chunk)):
            part.write(chunk)
        part.write(tail)

    return write


def _lie(path: Path, part: str, size: int) -> None:
    """The directory says `size` for the part (what it really unpacks to stays)."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    entries, _, at = struct.unpack_from("<HII", data, end + 10)
    for _ in range(entries):
        lengths = struct.unpack_from("<HHH", data, at + 28)
        if bytes(data[at + 46 : at + 46 + lengths[0]]) == part.encode():
            if struct.unpack_from("<I", data, at + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, at + 24, size)
            else:  # zip64: the size is in the extra field
                extra = at + 46 + lengths[0]
                struct.pack_into("<Q", data, extra + 4, size)
        at += 46 + sum(lengths)
    path.write_bytes(bytes(data))


def _sheet(rows: bytes):
    return _repeat(
        b"<worksheet " + MAIN + b"><sheetData>", rows, 3 * GB, b"</sheetData></worksheet>"
    )


BOMBS = {
    "delade texter 3 GB": lambda: {
        "xl/sharedStrings.xml": _repeat(
            b"<sst " + MAIN + b">", b"<si><t>Samtalscaf&#233;</t></si>", 3 * GB, b"</sst>"
        )
    },
    "flik 3 GB": lambda: {
        "xl/worksheets/sheet1.xml": _sheet(
            b'<row><c t="inlineStr"><is><t>K0001</t></is></c><c><v>44931</v></c></row>'
        )
    },
    "190 miljoner små texter": lambda: {
        "xl/sharedStrings.xml": _repeat(
            b"<sst " + MAIN + b">", b"<si><t/></si>", 190_000_000 * 13, b"</sst>"
        )
    },
    "uniqueCount 4 miljarder": lambda: {
        "xl/sharedStrings.xml": b"<sst "
        + MAIN
        + b' count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    },
}
LYING = "katalogen ljuger (flik 3 GB, sägs vara 1 kB)"
# Two that are small on every count of size: python-calamine builds a rectangle from the
# first to the last value, and copies a shared text into every cell that uses it. They are
# stopped by measuring the sheet's cells before it is read.
SPARSE = "glesa celler (A1 och XFD1048576)"
COPIES = "en text på 32 767 tecken i 30 000 celler"
BOMBS[SPARSE] = lambda: {
    "xl/worksheets/sheet1.xml": b"<worksheet "
    + MAIN
    + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Klient-ID</t></is></c></row>'
    + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
}
BOMBS[COPIES] = lambda: {
    "xl/sharedStrings.xml": b"<sst " + MAIN + b"><si><t>" + b"a" * 32_767 + b"</t></si></sst>",
    "xl/worksheets/sheet1.xml": b"<worksheet "
    + MAIN
    + b"><sheetData>"
    + b'<row><c t="s"><v>0</v></c></row>' * 30_000
    + b"</sheetData></worksheet>",
}


def bomb_folder(name: str) -> Path:
    """A folder with the 1 000-row workbooks and the bomb as remisser.xlsx (made once)."""
    folder = DATA / "bomber" / name.replace(" ", "-")
    if (folder / f".klar-{VERSION}").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ordinary = inputs(1_000)
    for workbook in ordinary.glob("*.xlsx"):
        shutil.copy(workbook, folder / workbook.name)
    parts = BOMBS["flik 3 GB"]() if name == LYING else BOMBS[name]()
    _copy_with(ordinary / "remisser.xlsx", folder / "remisser.xlsx", parts)
    if name == LYING:
        _lie(folder / "remisser.xlsx", "xl/worksheets/sheet1.xml", 1_000)
    (folder / f".klar-{VERSION}").touch()
    return folder


MEASURE = """
import os, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, env={**os.environ, "CI": "1"})
print(done.returncode, time.perf_counter() - start,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, sep="\\t")
print((done.stdout.strip().splitlines() or [""])[-1])
print(done.stderr.strip()[-300:])
"""


def measure(name: str) -> dict:
    folder = bomb_folder(name)
    bomb = folder / "remisser.xlsx"
    with zipfile.ZipFile(bomb) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            "-c",
            MEASURE,
            str(Path(sys.executable).parent / "halsocenter"),
            "kontrollera",
            "--in",
            str(folder),
            "--ut",
            out,
        ]
        lines = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    first, line, stderr = (lines.split("\n", 2) + ["", ""])[:3]
    code, seconds, peak = first.split("\t")
    return {
        "namn": name,
        "mb_disk": bomb.stat().st_size / 1e6,
        "mb_sagt": unpacked / 1e6,
        "exit": int(code),
        "sekunder": float(seconds),
        "topp_mb": float(peak),
        "rad": line,
        "stderr": stderr.strip(),
    }


def measure_all() -> list[dict]:
    return [measure(name) for name in [*BOMBS, LYING]]


def table(results: list[dict]) -> str:
    lines = [
        "| bomb (remisser.xlsx) | MB på disk | MB uppackat enligt katalogen | exit | sekunder | "
        "topp-RSS (MB) | sista raden |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        unpacked = f"{r['mb_sagt']:,.0f}".replace(",", " ")
        lines.append(
            f"| {r['namn']} | {r['mb_disk']:.1f} | {unpacked} | {r['exit']} | "
            f"{r['sekunder']:.2f} | {r['topp_mb']:.0f} | {r['rad']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    os.chdir(ROOT)
    found = measure_all()
    print(table(found))
    for r in found:
        if r["stderr"]:
            print(r["namn"], "stderr:", r["stderr"])
