"""The command line: `halsocenter report|check` (and `python -m pipeline`).

A thin layer over validate → aggregate → render. Everything the coach sees is
Swedish; an unexpected failure ends in one Swedish line and a log file, never
a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from pathlib import Path

from pipeline import config, contract
from pipeline.progress import stage

LOG_NAME = "halsocenter-fel.log"


def say(message: str) -> None:
    print(message, flush=True)


def _has_workbooks(folder: Path) -> bool:
    return folder.is_dir() and any(
        p.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods", ".csv")
        for p in folder.iterdir()
        if not p.name.startswith(("~$", "."))
    )


def choose_input(raw: Path) -> Path:
    """The raw folder, or the shipped example when the raw folder holds no workbooks."""
    if _has_workbooks(raw):
        return raw
    say(
        f"Mappen {raw} innehåller inga arbetsböcker. Rapporten byggs från exempeldata i "
        f"{config.EXAMPLE} (Vaggeryd 2023)."
    )
    return config.EXAMPLE


def run_check(raw: Path, out: Path, today: dt.date | None = None):
    """Validate, write the validation report, print the summary; the result."""
    from pipeline.report_problems import summary_lines, write_validation_report
    from pipeline.validate import validate

    with stage("validate_total", f"Läser och kontrollerar arbetsböckerna i {raw} ..."):
        result = validate(raw, today=today)
    with stage("write"):
        report_path = write_validation_report(
            out / "valideringsrapport.xlsx", result.problems, result.sheets
        )
    for line in summary_lines(result.problems):
        say(line)
    errors = len(result.errors)
    if errors:
        say(
            f"Hittade {errors} fel. Rätta dem i Excel och kör igen. "
            f"Alla problem finns i {report_path}."
        )
    else:
        say(f"Inga fel. Valideringsrapporten finns i {report_path}.")
    return result


def run_report(raw: Path, out: Path, today: dt.date | None = None, force: bool = True) -> int:
    from pipeline import aggregate, render, unchanged
    from pipeline.files import write_bytes

    fingerprint = unchanged.fingerprint(raw, config.suppression_threshold())
    if not force and unchanged.is_current(out, fingerprint):
        say(
            f"Inget har ändrats sedan förra körningen; rapporten i {out} är aktuell. "
            "(Kör med --tvinga för att bygga om ändå.)"
        )
        return 0
    result = run_check(raw, out, today)
    if not result.ok:
        say("Rapporten skrevs inte, och tidigare rapporter i mappen lämnades orörda.")
        return 1
    dataset = result.dataset
    threshold = config.suppression_threshold()
    with stage("aggregate", f"Räknar nyckeltal för {dataset.kommun.namn} {dataset.ar} ..."):
        figures = aggregate.compute(dataset, threshold=threshold)
        previous = aggregate.previous_year(dataset, threshold=threshold)
        csv_text = aggregate.to_csv(figures)
    with stage("render", "Skriver Word-rapporten ..."):
        report = render.render(dataset, figures, previous, threshold=threshold)
    stem = f"{dataset.kommun.namn}-{dataset.ar}"
    with stage("write"):
        csv_path = write_bytes(out / f"{stem}-nyckeltal.csv", csv_text.encode("utf-8"))
        docx_path = write_bytes(out / f"{stem}-verksamhetsberattelse.docx", report.docx)
        unchanged.remember(out, fingerprint, [csv_path, docx_path])
    say(f"Klart. Rapporten: {docx_path}")
    say(f"Nyckeltalen: {csv_path}")
    return 0


def run_mallar(target: Path, overwrite: bool) -> int:
    from pipeline.mallar import TemplateExists, write_blank_workbooks

    try:
        paths = write_blank_workbooks(target, overwrite=overwrite)
    except TemplateExists as existing:
        say(
            f"Filerna finns redan i {target}: {existing}. Inget skrevs över. Vill du ersätta dem "
            "med tomma mallar, kör: halsocenter mallar --skriv-over (make mallar SKRIV_OVER=1)."
        )
        return 1
    for path in paths:
        say(f"Skrev den tomma mallen {path}")
    say("Öppna filerna i Excel; fliken Instruktioner förklarar varje kolumn.")
    return 0


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"{question} (ja/nej) ").strip().casefold() in ("j", "ja", "y", "yes")


def run_nytt_ar(raw: Path, out: Path, overwrite: bool) -> int:
    from pipeline.nytt_ar import next_year_rows, write_next_year

    result = run_check(raw, out)
    fil = "verksamhet.xlsx"
    if result.errors_in(fil) or "ar" not in result.uppgifter:
        say(f"Rätta först felen i {fil}; nästa års fil byggs från den.")
        return 1
    year = int(result.uppgifter["ar"]) + 1
    kommun = result.uppgifter["kommun"]
    target = out / f"{kommun}-{year}-verksamhet.xlsx"
    if target.exists() and not overwrite and not _confirm(f"{target} finns redan. Skriv över?"):
        say(
            f"{target} finns redan och skrevs inte över. Kör med --skriv-over "
            "(make nytt-ar SKRIV_OVER=1) för att ersätta den."
        )
        return 1
    rows = next_year_rows(
        result.uppgifter,
        result.sheet("Texter").data,
        result.sheet("Plan").data,
        result.sheet("Tidigare år").data,
    )
    write_next_year(target, rows)
    say(
        f"Skrev {target}: År {year}, {len(rows['Plan'])} planerade aktiviteter från årets "
        f"framtidsplan och {len(rows['Texter'])} texter som utkast."
    )
    say(
        f"När det nya året börjar: spara undan årets {fil}, byt namn på den nya filen till "
        f"{fil} och lägg den i {raw}."
    )
    return 0


def run_pdf(out: Path) -> int:
    from pipeline.pdf import PdfProblem, to_pdf

    reports = sorted(out.glob("*-verksamhetsberattelse.docx"))
    if not reports:
        say(f"Det finns ingen rapport i {out}. Kör först: make report")
        return 1
    try:
        for report in reports:
            say(f"Gör PDF av {report.name} ...")
            say(f"Skrev {to_pdf(report)}")
    except PdfProblem as problem:
        say(str(problem))
        return 1
    return 0


def run_compare(folder: Path, out: Path, year: int | None) -> int:
    from pipeline import compare, compare_docx, compare_xlsx, datapackage
    from pipeline.files import write_bytes

    if not folder.is_dir():
        say(f"Mappen {folder} finns inte. Lägg kommunernas nyckeltalsfiler (.csv) där.")
        return 1
    with stage("read", f"Läser nyckeltalsfilerna i {folder} ..."):
        comparison = compare.load(folder, year)
    say(f"Läste {len(comparison.files)} filer:")
    for entry in comparison.files:
        say(f"  {entry.line()}")
    for problem in comparison.target_problems:
        say(problem)
    if not any(comparison.has_file(k.kod) for k in contract.kommuner()):
        say(
            f"Det finns inga användbara nyckeltal för {comparison.ar or 'något år'} i {folder}. "
            "Inget skrevs."
        )
        return 1
    missing = comparison.missing()
    if missing:
        say(
            f"Kommuner utan nyckeltal för {comparison.ar}: "
            + ", ".join(f"{k.namn} ({comparison.state(k.kod)})" for k in missing)
            + "."
        )
    with stage("render", "Skriver jämförelsen ..."):
        workbook = compare_xlsx.write(out / f"jamforelse-{comparison.ar}.xlsx", comparison)
        report, _ = compare_docx.render(comparison)
        document = write_bytes(out / f"jamforelse-{comparison.ar}.docx", report)
        tidy = write_bytes(out / f"jamforelse-{comparison.ar}.csv", compare.tidy_csv(comparison))
        write_bytes(
            datapackage.descriptor_path(tidy),
            datapackage.to_json(datapackage.comparison_descriptor(tidy.name)),
        )
    say(f"Klart. Arbetsboken: {workbook}")
    say(f"Rapporten: {document}")
    say(f"Måtten i långt format: {tidy} (beskrivs av {datapackage.descriptor_path(tidy).name})")
    return 1 if comparison.problems() else 0


def run_exempel(kommun: str, year: int, seed: int, target: Path | None, overwrite: bool) -> int:
    from pipeline import synthetic

    found = contract.kommun(kommun)
    if found is None:
        say(
            f"Okänd kommun '{kommun}'. Välj en av: "
            f"{', '.join(k.namn for k in contract.kommuner())}."
        )
        return 1
    target = target or config.OUTPUT / f"exempel-{found.namn}-{year}"
    existing = [f for f in config.WORKBOOKS if (target / f).exists()]
    if existing and not overwrite:
        say(
            f"{target} innehåller redan {', '.join(existing)}. Inget skrevs över; kör med "
            "--skriv-over för att ersätta filerna."
        )
        return 1
    for path in synthetic.write(target, found.namn, year, seed):
        say(f"Skrev {path}")
    say(
        f"Påhittade exempeldata för {found.namn} {year} (slumpfrö {seed}). Bygg rapporten med: "
        f"halsocenter report --raw {target}"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="halsocenter",
        description="Verksamhetsberättelse för Hälsocenter: Excel in, nyckeltal och Word ut.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="kommando")
    for name, text in (
        ("report", "kontrollera underlaget och skriv rapport och nyckeltal"),
        ("check", "kontrollera bara underlaget, skriv ingen rapport"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument(
            "--raw",
            type=Path,
            default=config.RAW,
            help="mappen med arbetsböckerna (standard: data/raw)",
        )
        command.add_argument(
            "--out",
            type=Path,
            default=config.OUTPUT,
            help="mappen där resultatet skrivs (standard: output)",
        )
        if name == "report":
            command.add_argument(
                "--tvinga",
                action="store_true",
                help="bygg om även om underlaget inte har ändrats sedan förra körningen",
            )
    mallar = commands.add_parser(
        "mallar",
        help="skriv tomma arbetsböcker att fylla i",
        description="Skriv tomma arbetsböcker att fylla i.",
    )
    mallar.add_argument(
        "--ut",
        type=Path,
        default=config.RAW,
        help="mappen där mallarna skrivs (standard: data/raw)",
    )
    mallar.add_argument(
        "--skriv-over", action="store_true", help="ersätt befintliga filer med tomma mallar"
    )
    nytt = commands.add_parser(
        "nytt-ar",
        help="förbered nästa års verksamhet.xlsx",
        description="Förbered nästa års verksamhet.xlsx.",
    )
    nytt.add_argument("--raw", type=Path, default=config.RAW)
    nytt.add_argument("--out", type=Path, default=config.OUTPUT)
    nytt.add_argument(
        "--skriv-over", action="store_true", help="ersätt en tidigare förberedd fil utan att fråga"
    )
    pdf = commands.add_parser(
        "pdf",
        help="gör PDF av rapporten (kräver LibreOffice)",
        description="Gör PDF av rapporten (kräver LibreOffice).",
    )
    pdf.add_argument("--out", type=Path, default=config.OUTPUT)
    jamfor = commands.add_parser(
        "compare",
        help="jämför många kommuners nyckeltalsfiler",
        description="Jämför många kommuners nyckeltal.csv (regional jämförelse).",
    )
    jamfor.add_argument(
        "--in",
        dest="indir",
        type=Path,
        default=config.REGION,
        help="mappen med nyckeltalsfilerna (standard: data/region)",
    )
    jamfor.add_argument("--out", type=Path, default=config.OUTPUT)
    jamfor.add_argument(
        "--ar",
        type=int,
        default=None,
        help="året som jämförs (standard: det senaste året i filerna)",
    )
    exempel = commands.add_parser(
        "exempel",
        help="skriv påhittade exempelarbetsböcker för en kommun och ett år",
        description="Skriv påhittade men realistiska arbetsböcker (för test och demo).",
    )
    exempel.add_argument("--kommun", required=True)
    exempel.add_argument("--ar", type=int, required=True)
    exempel.add_argument("--seed", type=int, default=1)
    exempel.add_argument(
        "--ut", type=Path, default=None, help="mappen (standard: output/exempel-<kommun>-<år>)"
    )
    exempel.add_argument("--skriv-over", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out: Path = getattr(args, "out", config.OUTPUT)
    try:
        if args.command == "mallar":
            return run_mallar(args.ut, args.skriv_over)
        if args.command == "pdf":
            return run_pdf(out)
        if args.command == "compare":
            return run_compare(args.indir, out, args.ar)
        if args.command == "exempel":
            return run_exempel(args.kommun, args.ar, args.seed, args.ut, args.skriv_over)
        raw = choose_input(args.raw)
        if args.command == "nytt-ar":
            return run_nytt_ar(raw, out, args.skriv_over)
        if args.command == "check":
            return 0 if run_check(raw, out).ok else 1
        return run_report(raw, out, force=args.tvinga)
    except KeyboardInterrupt:
        say("Avbrutet. Inga filer ändrades.")
        return 130
    except Exception as error:  # the last line of defence: no traceback for the coach
        from pipeline.docx_fill import TemplateProblem

        if isinstance(error, TemplateProblem):
            say(f"Fel i Word-mallen: {error}")
            return 1
        log_path = _write_log(out)
        say(
            f"Ett oväntat fel inträffade ({type(error).__name__}). Ingen rapport skrevs. "
            f"Detaljer finns i {log_path}; skicka filen till den som sköter programmet."
        )
        return 2


def _write_log(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / LOG_NAME
    except OSError:
        path = Path.cwd() / LOG_NAME
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
        handle.write(traceback.format_exc())
    return path


if __name__ == "__main__":
    sys.exit(main())
