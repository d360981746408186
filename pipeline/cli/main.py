"""The command line: `halsocenter rapport|kontrollera|…` (and `python -m pipeline`).

Only parsing, printing and exit codes: the report job lives in pipeline.report.job.
Everything the coach sees is Swedish, help and argument errors included; a
problem the coach can fix ends in one Swedish line (exit 1), an unexpected
failure in one Swedish line and a log file in the user's cache folder (exit 2),
never a traceback.

Exit codes: 0 done, 1 something to fix (input, files, folders), 2 a program
error or a mistyped command, 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import gettext
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.publish.folder import FolderProblem

LOG_NAME = "halsocenter-fel.log"


def say(message: str) -> None:
    print(message, flush=True)


# --- the report job, said in Swedish ---------------------------------------------------


def _say_kept_and_recovered(result) -> None:
    if result.recovered:
        say(
            f"En tidigare körning avbröts medan filerna i {result.out} byttes; bytet är nu "
            "gjort klart."
        )
    texter = contract.sheet("texter")
    for kept in result.kept:
        say(
            f"{kept.line()} Egna texter hör hemma i fliken {texter.namn} i {texter.fil}; då "
            "kommer de med varje gång."
        )


def _say_validation(result) -> None:
    from pipeline.validation.report import summary_lines

    for line in summary_lines(result.validation.problems):
        say(line)
    errors = len(result.validation.errors)
    report_path = result.paths["validering"]
    if errors:
        say(
            f"Hittade {errors} fel. Rätta dem i Excel och kör igen. "
            f"Alla problem finns i {report_path}."
        )
    else:
        say(f"Inga fel. Valideringsrapporten finns i {report_path}.")


def _say_example(folders) -> None:
    if folders.example:
        say(
            f"Mappen {config.RAW} innehåller inga arbetsböcker. Rapporten byggs från "
            f"exempeldata i {config.EXAMPLE} (Vaggeryd 2023) och skrivs i {folders.out}, "
            "så att inga egna filer skrivs över."
        )


def run_check(raw: Path, out: Path, today: dt.date | None = None):
    """Validate and write the validation report; the job's result, said in Swedish."""
    from pipeline.report import job as report_job

    result = report_job.check(raw, out, today)
    _say_kept_and_recovered(result)
    _say_validation(result)
    return result


def run_report(raw: Path, out: Path, today: dt.date | None = None, force: bool = True) -> int:
    from pipeline.report import job as report_job

    result = report_job.build_report(raw, out, today, force=force)
    _say_kept_and_recovered(result)
    if result.status == report_job.AKTUELL:
        say(
            f"Inget har ändrats sedan förra körningen; rapporten i {out} är aktuell. "
            "(Kör med --tvinga för att bygga om ändå.)"
        )
        return 0
    _say_validation(result)
    if result.status == report_job.FEL_I_UNDERLAGET:
        say("Rapporten skrevs inte, och tidigare rapporter i mappen lämnades orörda.")
        return 1
    say(f"Klart. Rapporten: {result.paths['rapport']}")
    say(f"Nyckeltalen: {result.paths['nyckeltal']}")
    return 0


def run_mallar(target: Path, overwrite: bool) -> int:
    from pipeline.coach.blank_workbooks import TemplateExists, write_blank_workbooks

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
    from pipeline.coach.next_year import next_year_rows, write_next_year
    from pipeline.report.job import ReportNames

    result = run_check(raw, out).validation
    fil = contract.workbook("verksamhet").fil
    if result.errors_in(fil) or "ar" not in result.uppgifter:
        say(f"Rätta först felen i {fil}; nästa års fil byggs från den.")
        return 1
    year = int(result.uppgifter["ar"]) + 1
    kommun = result.uppgifter["kommun"]
    target = out / ReportNames(kommun, year - 1).nasta_ars_verksamhet
    if target.exists() and not overwrite and not _confirm(f"{target} finns redan. Skriv över?"):
        say(
            f"{target} finns redan och skrevs inte över. Kör med --skriv-over "
            "(make nytt-ar SKRIV_OVER=1) för att ersätta den."
        )
        return 1
    rows = next_year_rows(
        result.uppgifter,
        result.sheet("texter").data,
        result.sheet("plan").data,
        result.sheet("tidigare_ar").data,
    )
    write_next_year(target, rows)
    say(
        f"Skrev {target}: {contract.sheet('uppgifter').column('ar').namn} {year}, "
        f"{len(rows['plan'])} planerade aktiviteter från årets "
        f"framtidsplan och {len(rows['texter'])} texter som utkast."
    )
    say(
        f"När det nya året börjar: spara undan årets {fil}, byt namn på den nya filen till "
        f"{fil} och lägg den i {raw}."
    )
    return 0


def run_pdf(out: Path) -> int:
    from pipeline.publish.pdf import PdfProblem, to_pdf
    from pipeline.report.job import EXAMPLE_FOLDER, REPORT_GLOB

    reports = sorted(out.glob(REPORT_GLOB)) or sorted((out / EXAMPLE_FOLDER).glob(REPORT_GLOB))
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
    from pipeline.comparison.job import build_comparison

    result = build_comparison(folder, out, year)
    comparison = result.comparison
    say(f"Läste {len(comparison.fates)} filer:")
    for entry in comparison.fates:
        say(f"  {entry.line()}")
    for problem in comparison.target_problems:
        say(problem)
    if not result.written:
        say(
            f"Det finns inga användbara nyckeltal för {comparison.year or 'något år'} i {folder}. "
            "Inget skrevs."
        )
        return 1
    missing = comparison.missing()
    if missing:
        say(
            f"Kommuner utan nyckeltal för {comparison.year}: "
            + ", ".join(f"{k.namn} ({comparison.state(k.kod)})" for k in missing)
            + "."
        )
    for kept in result.kept:
        say(kept.line())
    say(f"Klart. Arbetsboken: {result.paths['arbetsbok']}")
    say(f"Rapporten: {result.paths['rapport']}")
    say(
        f"Måtten i långt format: {result.paths['matt']} "
        f"(beskrivs av {result.paths['beskrivning'].name})"
    )
    return 0 if result.ok else 1


def run_exempel(kommun: str, year: int, seed: int, target: Path | None, overwrite: bool) -> int:
    from pipeline.coach import synthetic

    found = contract.kommun(kommun)
    if found is None:
        say(
            f"Okänd kommun '{kommun}'. Välj en av: "
            f"{', '.join(k.namn for k in contract.kommuner())}."
        )
        return 1
    target = target or config.OUTPUT / f"exempel-{found.namn}-{year}"
    existing = [f for f in contract.files() if (target / f).exists()]
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
        f"halsocenter rapport --in {target}"
    )
    return 0


# --- the parser, in Swedish ------------------------------------------------------------

# argparse's own texts (Python 3.11), through its gettext hooks.
ARGPARSE_SV = {
    "usage: ": "användning: ",
    "options": "flaggor",
    "positional arguments": "argument",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa programmets version och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ogiltigt val: %(value)r (välj ett av %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "the following arguments are required: %s": "de här måste anges: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "expected one argument": "ett värde behövs efter flaggan",
    "expected at most one argument": "högst ett värde får anges",
    "expected at least one argument": "minst ett värde behövs",
    "ambiguous option: %(option)s could match %(matches)s": (
        "flaggan %(option)s kan vara flera: %(matches)s"
    ),
    "one of the arguments %s is required": "ett av argumenten %s måste anges",
    "not allowed with argument %s": "går inte att kombinera med %s",
    "ignored explicit argument %r": "flaggan tar inget värde (%r)",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "okänt kommando %(parser_name)r (välj ett av %(choices)s)"
    ),
    "subcommands": "kommandon",
}


def _sv(text: str) -> str:
    return ARGPARSE_SV.get(text, text)


def _sv_plural(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "%s värde behövs" if n == 1 else "%s värden behövs"
    return gettext.ngettext(singular, plural, n)


@contextlib.contextmanager
def swedish_argparse() -> Iterator[None]:
    """argparse speaks Swedish while the parser is built and used."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _sv, _sv_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "formatter_class",
            lambda prog: argparse.RawDescriptionHelpFormatter(prog, max_help_position=30),
        )
        super().__init__(*args, **kwargs)


# Old and English names still work, but are shown nowhere.
COMMAND_ALIASES = {
    "report": "rapport",
    "check": "kontrollera",
    "compare": "jamfor",
    "jämför": "jamfor",
    "nytt-år": "nytt-ar",
}
OPTION_ALIASES = {"--raw": "--in", "--out": "--ut", "--seed": "--slumpfro"}


def _with_aliases(argv: list[str]) -> list[str]:
    translated = []
    for index, token in enumerate(argv):
        if index == 0 and token in COMMAND_ALIASES:
            token = COMMAND_ALIASES[token]
        name, equals, value = token.partition("=")
        if name in OPTION_ALIASES:
            token = OPTION_ALIASES[name] + equals + value
        translated.append(token)
    return translated


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inte ett heltal") from None


def _folder_options(command, read: str | None, write: str | None) -> None:
    if read:
        command.add_argument(
            "--in", dest="indata", type=Path, default=None, metavar="MAPP", help=read
        )
    if write:
        command.add_argument("--ut", type=Path, default=None, metavar="MAPP", help=write)


RAW_HELP = "mappen med arbetsböckerna (standard: data/raw)"
OUT_HELP = "mappen där resultatet skrivs (standard: output)"


def _parser() -> tuple[Parser, dict[str, Parser]]:
    parser = Parser(
        prog="halsocenter",
        description="Verksamhetsberättelse för Hälsocenter: Excel in, nyckeltal och Word ut.",
        epilog="Skriv halsocenter KOMMANDO --help för att se ett kommandos flaggor.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="KOMMANDO", title="kommandon"
    )
    made: dict[str, Parser] = {}

    def command(name: str, text: str) -> Parser:
        made[name] = commands.add_parser(name, help=text, description=text[0].upper() + text[1:])
        return made[name]

    rapport = command("rapport", "kontrollera underlaget och skriv rapport och nyckeltal")
    _folder_options(rapport, RAW_HELP, OUT_HELP)
    rapport.add_argument(
        "--tvinga",
        action="store_true",
        help="bygg om även om underlaget inte har ändrats sedan förra körningen",
    )
    kontrollera = command("kontrollera", "kontrollera bara underlaget, skriv ingen rapport")
    _folder_options(kontrollera, RAW_HELP, OUT_HELP)
    mallar = command("mallar", "skriv tomma arbetsböcker att fylla i")
    _folder_options(mallar, None, "mappen där mallarna skrivs (standard: data/raw)")
    mallar.add_argument(
        "--skriv-over", action="store_true", help="ersätt befintliga filer med tomma mallar"
    )
    nytt = command("nytt-ar", f"förbered nästa års {contract.workbook('verksamhet').fil}")
    _folder_options(nytt, RAW_HELP, "mappen där nästa års fil skrivs (standard: output)")
    nytt.add_argument(
        "--skriv-over", action="store_true", help="ersätt en tidigare förberedd fil utan att fråga"
    )
    pdf = command("pdf", "gör PDF av rapporten (kräver LibreOffice)")
    _folder_options(pdf, None, "mappen med rapporten; PDF:en hamnar bredvid (standard: output)")
    jamfor = command("jamfor", "jämför många kommuners nyckeltalsfiler (regional jämförelse)")
    _folder_options(
        jamfor,
        "mappen med nyckeltalsfilerna (standard: data/region)",
        "mappen där jämförelsen skrivs (standard: output)",
    )
    jamfor.add_argument(
        "--ar",
        type=_integer,
        default=None,
        metavar="ÅR",
        help="året som jämförs (standard: det senaste året i filerna)",
    )
    exempel = command("exempel", "skriv påhittade arbetsböcker för en kommun och ett år")
    exempel.add_argument("--kommun", required=True, metavar="KOMMUN", help="t.ex. Habo")
    exempel.add_argument("--ar", type=_integer, required=True, metavar="ÅR", help="t.ex. 2023")
    exempel.add_argument(
        "--slumpfro",
        type=_integer,
        default=1,
        metavar="TAL",
        help="samma tal ger samma data (standard: 1)",
    )
    _folder_options(exempel, None, "mappen (standard: output/exempel-<kommun>-<år>)")
    exempel.add_argument(
        "--skriv-over", action="store_true", help="ersätt arbetsböcker som redan finns"
    )
    return parser, made


def _unknown_command(parser: Parser, commands: dict[str, Parser], given: str) -> int:
    names = list(commands) + list(COMMAND_ALIASES)
    close = difflib.get_close_matches(given, names, n=1, cutoff=0.5)
    if close:
        hint = f"Menade du {COMMAND_ALIASES.get(close[0], close[0])}?"
    else:
        hint = f"Kommandona är: {', '.join(commands)}."
    parser.print_usage(sys.stderr)
    print(f"halsocenter: fel: okänt kommando '{given}'. {hint}", file=sys.stderr)
    return 2


def _unknown_options(parser: Parser, command: Parser, extras: list[str]) -> int:
    known = [o for a in command._actions for o in a.option_strings]  # noqa: SLF001
    hints = []
    for extra in extras:
        close = difflib.get_close_matches(extra.partition("=")[0], known, n=1, cutoff=0.5)
        if close and extra.startswith("-"):
            hints.append(f"Menade du {close[0]} i stället för {extra}?")
    command.print_usage(sys.stderr)
    print(
        f"halsocenter: fel: okända argument: {' '.join(extras)}. "
        + (" ".join(hints) or f"Skriv halsocenter {command.prog.split()[-1]} --help."),
        file=sys.stderr,
    )
    return 2


def parse(argv: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, or an exit code when parsing ended (help, a mistake)."""
    argv = _with_aliases(argv)
    with swedish_argparse():
        parser, commands = _parser()
        first = next((a for a in argv if not a.startswith("-")), None)
        if argv and first is not None and first == argv[0] and first not in commands:
            return _unknown_command(parser, commands, first)
        try:
            args, extras = parser.parse_known_args(argv)
        except SystemExit as ended:
            return int(ended.code or 0)
        if extras:
            return _unknown_options(parser, commands[args.command], extras)
    return args


def replace_unencodable() -> None:
    """A console or a redirected file in cp1252 or cp850 (Windows) has no '⟨':
    such a character is printed as '?', never a UnicodeEncodeError that ends the run."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)  # None under pythonw
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream
                reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    from pipeline.report import job as report_job

    replace_unencodable()
    try:
        args = parse(sys.argv[1:] if argv is None else list(argv))
        if isinstance(args, int):
            return args
        out: Path = getattr(args, "ut", None) or config.OUTPUT
        if args.command == "mallar":
            return run_mallar(args.ut or config.RAW, args.skriv_over)
        if args.command == "pdf":
            return run_pdf(out)
        if args.command == "jamfor":
            return run_compare(args.indata or config.REGION, out, args.ar)
        if args.command == "exempel":
            return run_exempel(args.kommun, args.ar, args.slumpfro, args.ut, args.skriv_over)
        folders = report_job.choose_folders(args.indata, out)
        out = folders.out
        _say_example(folders)
        if args.command == "nytt-ar":
            return run_nytt_ar(folders.raw, folders.out, args.skriv_over)
        if args.command == "kontrollera":
            return 0 if run_check(folders.raw, folders.out).validation.ok else 1
        return run_report(folders.raw, folders.out, force=args.tvinga)
    except FolderProblem as problem:
        say(str(problem))
        return 1
    except KeyboardInterrupt:
        say("Avbrutet. Inga filer ändrades.")
        return 130
    except PermissionError as error:  # a file open in another program (Windows), or read-only
        name = Path(error.filename).name if error.filename else "filen"
        say(
            f"Filen {name} kunde inte skrivas: den är öppen i ett annat program eller "
            f"skrivskyddad ({error.filename}). Stäng den och kör igen."
        )
        return 1
    except contract.ContractError as error:  # a schema file in data/schemas/ that is off
        say(f"Fel i kontraktet i {config.SCHEMAS}: {error}")
        return 1
    except Exception as error:  # the last line of defence: no traceback for the coach
        from pipeline.publish.docx_fill import TemplateProblem

        if isinstance(error, TemplateProblem):
            say(f"Fel i Word-mallen: {error}")
            return 1
        log_path = write_log()
        where = (
            f"Detaljer finns i {log_path}; skicka filen till den som sköter programmet."
            if log_path
            else "Ingen loggfil kunde skrivas."
        )
        say(f"Ett oväntat fel inträffade ({type(error).__name__}). Inga filer ändrades. {where}")
        return 2


def log_folders() -> list[Path]:
    """Where the last-resort log may go: the user's cache folder, then the temp folder."""
    folders = []
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / "halsocenter")
    elif os.environ.get("XDG_CACHE_HOME"):
        folders.append(Path(os.environ["XDG_CACHE_HOME"]) / "halsocenter")
    else:
        folders.append(Path.home() / ".cache" / "halsocenter")
    folders.append(Path(tempfile.gettempdir()) / "halsocenter")
    return folders


def write_log() -> Path | None:
    """Append the traceback to the first log folder that can be written; None if none can."""
    text = f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{traceback.format_exc()}"
    for folder in log_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
            return path
        except OSError:
            continue
    return None


if __name__ == "__main__":
    sys.exit(main())
