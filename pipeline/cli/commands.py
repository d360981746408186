"""Each command of `halsocenter`: one library call, its result said in Swedish, an exit code.

No job logic here: the jobs live in report/ (report, check, PDF), comparison/, coach/
(blank workbooks, next year, invented examples). 0 done, 1 something to fix.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from pipeline import config
from pipeline.contract import schema as contract


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
    report_path = result.paths["validation"]
    if errors:
        say(
            f"Hittade {errors} fel. Rätta dem i Excel och kör igen. "
            f"Alla problem finns i {report_path}."
        )
    else:
        say(f"Inga fel. Valideringsrapporten finns i {report_path}.")


def say_example(folders) -> None:
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
    if result.status == report_job.Status.UNCHANGED:
        say(
            f"Inget har ändrats sedan förra körningen; rapporten i {out} är aktuell. "
            "(Kör med --tvinga för att bygga om ändå.)"
        )
        return 0
    _say_validation(result)
    if result.status == report_job.Status.INPUT_ERRORS:
        say("Rapporten skrevs inte, och tidigare rapporter i mappen lämnades orörda.")
        return 1
    say(f"Klart. Rapporten: {result.paths['report']}")
    say(f"Nyckeltalen: {result.paths['key_figures']}")
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
    from pipeline.coach.next_year import NextYearStatus, prepare_next_year

    fil = contract.workbook("verksamhet").fil
    result = prepare_next_year(
        run_check(raw, out).validation,
        out,
        overwrite,
        confirm=lambda target: _confirm(f"{target} finns redan. Skriv över?"),
    )
    if result.status == NextYearStatus.INPUT_ERRORS:
        say(f"Rätta först felen i {fil}; nästa års fil byggs från den.")
        return 1
    if result.status == NextYearStatus.EXISTS:
        say(
            f"{result.target} finns redan och skrevs inte över. Kör med --skriv-over "
            "(make nytt-ar SKRIV_OVER=1) för att ersätta den."
        )
        return 1
    say(
        f"Skrev {result.target}: {contract.sheet('uppgifter').column('ar').namn} {result.year}, "
        f"{result.planned} planerade aktiviteter från årets framtidsplan och {result.drafts} "
        "texter som utkast."
    )
    say(
        f"När det nya året börjar: spara undan årets {fil}, byt namn på den nya filen till "
        f"{fil} och lägg den i {raw}."
    )
    return 0


def run_pdf(out: Path, report: Path | None = None) -> int:
    """The PDF of the report as the coach has it (edited or not), never a rebuilt one."""
    from pipeline.publish.pdf import PdfProblem
    from pipeline.report import pdf_job

    reports = [pdf_job.check_file(report)] if report else pdf_job.reports_in(out)
    if not reports:
        say(f"Det finns ingen rapport i {out}. Kör först: make report")
        return 1
    try:
        for found in reports:
            say(f"Gör PDF av {found.name} ...")
            made = pdf_job.make_pdf(found)
            if made.edited and report is None:
                say(
                    f"{found.name} är ändrad sedan programmet skrev den: PDF:en är gjord av din "
                    "version, med dina ändringar."
                )
            say(f"Skrev {made.pdf}")
            for copy in made.kept[:1]:
                say(
                    f"Din tidigare redigerade version finns kvar som {copy.name}. Vill du ha PDF "
                    f'av den: halsocenter pdf --fil "{copy}" (make pdf FIL="{copy}").'
                )
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
    from pipeline.coach.synthetic import ExampleStatus, write_example

    result = write_example(kommun, year, seed, target, overwrite)
    if result.status == ExampleStatus.UNKNOWN_KOMMUN:
        say(
            f"Okänd kommun '{kommun}'. Välj en av: "
            f"{', '.join(k.namn for k in contract.kommuner())}."
        )
        return 1
    if result.status == ExampleStatus.EXISTS:
        say(
            f"{result.folder} innehåller redan {', '.join(p.name for p in result.paths)}. Inget "
            "skrevs över; kör med --skriv-over för att ersätta filerna."
        )
        return 1
    for path in result.paths:
        say(f"Skrev {path}")
    say(
        f"Påhittade exempeldata för {result.kommun} {year} (slumpfrö {seed}). Bygg rapporten "
        f"med: halsocenter rapport --in {result.folder}"
    )
    return 0


def _read_password() -> str:
    """From standard input when it is not a terminal (one line), else asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Lösenord: ")
    if first and getpass.getpass("Samma lösenord igen: ") != first:
        raise ValueError("Lösenorden var inte lika. Inget ändrades; kör kommandot igen.")
    return first


def run_konto(name: str, kommun: str | None, region: bool, admin: bool) -> int:
    """A portal account (pipeline.web.accounts); the password never an argument."""
    from pipeline.web.accounts import AccountProblem, kommunkod_of, make_account

    try:
        kommunkod = "" if region else kommunkod_of(kommun or "")
        password = _read_password()
        account = make_account(name, password, kommunkod=kommunkod, region=region, admin=admin)
    except (AccountProblem, ValueError) as problem:
        say(str(problem))
        return 1
    done = "Skapade kontot" if account.created else "Nytt lösenord för kontot"
    extra = " Kontot kan också använda administrationen på /admin/." if account.admin else ""
    say(f"{done} {account.name}: {account.role_text}.{extra}")
    return 0
