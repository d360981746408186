"""The Swedish argparse layer of `halsocenter`: the commands, their options, help and
argument errors in Swedish, old English names accepted unseen.

`parse(argv)` gives the parsed arguments, or the exit code when parsing ended (help
shown: 0; a mistake: 2, with a suggestion).
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from pipeline.contract import source

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


def _width() -> int:
    """The terminal's width as argparse finds it (COLUMNS, the terminal, else 80), without
    shutil, which argparse would load for it (with bz2 and lzma: a tenth of the help)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "formatter_class",
            lambda prog: argparse.RawDescriptionHelpFormatter(
                prog, max_help_position=30, width=_width()
            ),
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


def _file_name(key: str) -> str:
    """A workbook's file name as the contract gives it: read without building the contract
    (the help is quick), or from the contract, which says what is wrong with it."""
    name = source.file_name(key)
    if name is None:
        from pipeline.contract import schema as contract

        name = contract.workbook(key).fil
    return name


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
    nytt = command("nytt-ar", f"förbered nästa års {_file_name('verksamhet')}")
    _folder_options(nytt, RAW_HELP, "mappen där nästa års fil skrivs (standard: output)")
    nytt.add_argument(
        "--skriv-over", action="store_true", help="ersätt en tidigare förberedd fil utan att fråga"
    )
    pdf = command("pdf", "gör PDF av rapporten (kräver LibreOffice)")
    _folder_options(pdf, None, "mappen med rapporten; PDF:en hamnar bredvid (standard: output)")
    pdf.add_argument(
        "--fil",
        type=Path,
        default=None,
        metavar="RAPPORT.docx",
        help="gör PDF av just den här Word-filen (till exempel en version du har redigerat)",
    )
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
    konto = command("konto", "gör ett konto i portalen, eller ge ett konto nytt lösenord")
    konto.epilog = (
        "Lösenordet läses från standard in (en rad) eller frågas efter; det skrivs aldrig "
        "på kommandoraden. Databasen skapas eller uppdateras först."
    )
    konto.add_argument_group("användare").add_argument(
        "namn", metavar="NAMN", help="användarnamnet, t.ex. anna.svensson"
    )
    roll = konto.add_mutually_exclusive_group(required=True)
    roll.add_argument("--kommun", metavar="KOMMUN", help="hälsocoach i kommunen, t.ex. Habo")
    roll.add_argument(
        "--region", action="store_true", help="regional personal: ser alla kommuners nyckeltal"
    )
    konto.add_argument(
        "--admin", action="store_true", help="får också använda administrationen (/admin/)"
    )
    return parser, made


def _unknown_command(parser: Parser, commands: dict[str, Parser], given: str) -> int:
    import difflib  # only for a mistake

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
    import difflib  # only for a mistake

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
