"""Stage 3: fill the Word template with the key figures, the coach's texts and the plan.

The template (templates/verksamhetsberattelse.docx) is a real Word file with
docxtpl tags; this module only supplies the context and the Swedish filters.
Values are escaped (autoescape) and the template's variables are checked
against the context before rendering.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.figures.aggregate import KeyFigures
from pipeline.publish import docx_layout
from pipeline.publish.docx_fill import (  # noqa: F401  (re-exported for callers and tests)
    AltTextImage,
    TemplateProblem,
    fill_template,
    jinja_environment,
)
from pipeline.publish.formatting import (
    MISSING,
    SECONDARY,
    UNKNOWN,
    and_list,
    antal,
    forandring,
    number,
    percent,
    years_text,
)
from pipeline.publish.ooxml import finalize_docx
from pipeline.report import charts
from pipeline.validation.dataset import Dataset

MAIN_AREAS = 4  # the first four focus areas always get a plan table

SAMTAL_ROWS = [
    ("arenden_inkomna", "Inkomna ärenden", "arenden_sedan_start"),
    ("far_inkomna", "varav FaR", "far_sedan_start"),
    ("forsta_samtal", "Genomförda första samtal", "forsta_samtal_sedan_start"),
    ("uppfoljande_samtal", "Genomförda uppföljande samtal", None),
    ("uteblivna_samtal", "Uteblivna samtal", None),
    ("spontana_besok", "Spontana besök", None),
    ("avbojda", "Tackade nej", None),
    ("recept_i_retur", "Recept i retur", None),
]
DIMENSION_LABELS = {
    "kanal": "Kanal",
    "remittent": "Remittent",
    "kon": "Kön",
    "aldersgrupp": "Åldersgrupp",
}


@dataclass
class Report:
    docx: bytes
    alt_texts: list[str]


def _cell(figure, threshold: int) -> str:
    """A breakdown count as published: the number, '1–4' for a small one, '..' for a secondary."""
    if figure is None:
        return MISSING
    if figure.suppressed:
        return SECONDARY if figure.secondary else small_count_label(threshold)
    return number(figure.value)


def small_count_label(threshold: int) -> str:
    return f"1–{threshold - 1}"


def suppression_note(threshold: int) -> str:
    """The one sentence beside a table with hidden counts; it follows the threshold."""
    return (
        f"”{small_count_label(threshold)}” betyder mellan 1 och {threshold - 1} personer. "
        f"”{SECONDARY}” betyder att antalet döljs för att de små antalen inte ska kunna räknas "
        "fram ur summan. Ingen enskild person ska kunna pekas ut."
    )


def _since_start_cell(figures: KeyFigures, name: str) -> str:
    value = figures.value(name)
    return UNKNOWN if value is None else number(value)


def _statistics(current: KeyFigures, previous: KeyFigures | None, threshold: int) -> dict:
    def prev(name, dimension="", kategori=""):
        return previous.value(name, dimension, kategori) if previous else None

    samtal = []
    for name, label, since in SAMTAL_ROWS:
        value = current.value(name)
        samtal.append(
            {
                "namn": label,
                "varde": number(value),
                "foregaende": number(prev(name)),
                "forandring": forandring(prev(name), value),
                "sedan_start": _since_start_cell(current, since) if since else MISSING,
            }
        )

    def breakdown(dimensions):
        rows = []
        for dimension in dimensions:
            before_group = (
                {f.category: f for f in previous.breakdown("arenden_inkomna", dimension)}
                if previous
                else {}
            )
            for figure in current.breakdown("arenden_inkomna", dimension):
                before = before_group.get(figure.category)
                rows.append(
                    {
                        "dimension": DIMENSION_LABELS[dimension],
                        "kategori": figure.category,
                        "varde": _cell(figure, threshold),
                        "foregaende": _cell(before, threshold),
                        # A hidden count has no change either: it would give it away.
                        "forandring": forandring(before.value if before else None, figure.value),
                    }
                )
        return rows

    areas = []
    for figure in current.breakdown("aktiviteter", "fokusomrade") + [None]:
        kategori, dimension = (figure.category, "fokusomrade") if figure else ("", "")
        areas.append(
            {
                "namn": kategori or "Totalt",
                **{
                    name: number(current.value(name, dimension, kategori))
                    for name in (
                        "aktiviteter",
                        "tillfallen",
                        "unika_deltagare",
                        "deltagartillfallen",
                        "deltagartimmar",
                    )
                },
            }
        )
    inflode, demografi = breakdown(["kanal", "remittent"]), breakdown(["kon", "aldersgrupp"])
    shown = [r[c] for r in inflode + demografi for c in ("varde", "foregaende")]
    return {
        "samtal": samtal,
        "inflode": inflode,
        "demografi": demografi,
        "fokusomraden": areas,
        "undertryckt": any(v in (small_count_label(threshold), SECONDARY) for v in shown),
        "undertryck_not": suppression_note(threshold),
        "okanda_deltagare": any(r["unika_deltagare"] == MISSING for r in areas),
        "sedan_start_saknas": current.value("arenden_sedan_start") is None,
    }


def _charts(figures: KeyFigures) -> list[charts.Chart]:
    """The charts, drawn from the key figures alone (months are the contract's `manad`)."""

    def monthly(name: str) -> list[int]:
        return [int(f.value) for f in figures.breakdown(name, "manad")]

    areas = figures.breakdown("deltagartimmar", "fokusomrade")
    return [
        charts.monthly(figures.year, monthly("arenden_inkomna"), monthly("forsta_samtal")),
        charts.focus_hours(
            figures.year, [f.category for f in areas], [float(f.value) for f in areas]
        ),
    ]


def _plan(dataset: Dataset) -> list[dict]:
    areas = contract.sheet("plan").column("fokusomrade").varden
    plan = dataset.plan.fillna("")
    result = []
    for index, area in enumerate(areas):
        rows = plan[plan["fokusomrade"] == area]
        if rows.empty and index >= MAIN_AREAS:
            continue
        records = [
            {"aktivitet": r.aktivitet, "uppfoljning": r.uppfoljning, "framtidsplan": r.framtidsplan}
            for r in rows.itertuples(index=False)
        ]
        if not records:
            records = [
                {
                    "aktivitet": "Inga aktiviteter inlagda i planen.",
                    "uppfoljning": "",
                    "framtidsplan": "",
                }
            ]
        result.append({"namn": area, "rader": records})
    return result


def _quality_figures(figures: KeyFigures | None) -> dict:
    """The counts behind the service-quality shares of one year; None where unknown."""
    value = figures.value if figures is not None else (lambda *_: None)
    answers = {
        f.category: f
        for f in (figures.breakdown("klienter_med_uppfoljning", "foljsamhet") if figures else [])
    }
    known = [contract.adherence(k) for k in ("ja", "delvis", "nej")]
    hidden = any(answers[k].suppressed for k in known if k in answers)
    answered = None if hidden or not answers else sum(answers[k].value for k in known)
    yes = answers.get(contract.adherence("ja"))
    booked = [value(n) for n in ("uteblivna_samtal", "forsta_samtal", "uppfoljande_samtal")]
    return {
        "arenden": value("arenden_inkomna"),
        "med_forsta": value("arenden_med_forsta_samtal"),
        "inom_30": value("forsta_samtal_inom_30_dagar"),
        "median": value("vantetid_dagar_median"),
        "uteblivna": booked[0],
        "bokade": None if None in booked else sum(booked),
        "uppfoljda": value("klienter_med_uppfoljning"),
        "svarade": answered,
        "ja": None if answered is None else yes.value,
        "ja_synligt": None if yes is None or yes.suppressed else yes.value,
        "dolt": hidden,
    }


def _quality_sentences(now: dict, year: int) -> list[str]:
    """The service-quality figures in words; a zero is said in words ("inget"), never "0"."""
    sentences = []
    if now["median"] is not None:
        sentences.append(
            f"Hälften av dem som kom till Hälsocenter under {year} och har haft sitt "
            + (
                "första samtal fick det samma dag."
                if now["median"] == 0
                else f"första samtal fick det inom {number(now['median'])} dagar."
            )
        )
    if now["arenden"]:
        if not now["med_forsta"]:
            sentences.append(
                f"Av årets {number(now['arenden'])} ärenden har inget fått ett första samtal ännu."
            )
        else:
            within = (
                f"och {number(now['inom_30'])} fick det inom 30 dagar"
                if now["inom_30"]
                else "men inget av dem inom 30 dagar"
            )
            sentences.append(
                f"Av årets {number(now['arenden'])} ärenden har {number(now['med_forsta'])} "
                f"fått ett första samtal, {within}."
            )
    if now["bokade"] and now["uteblivna"]:
        sentences.append(
            f"Av {number(now['bokade'])} inbokade samtal uteblev {number(now['uteblivna'])}, "
            f"det vill säga {number(now['uteblivna'] / now['bokade'] * 100, 0)} procent."
        )
    elif now["bokade"]:
        sentences.append(f"Inget av de {number(now['bokade'])} inbokade samtalen uteblev.")
    if now["dolt"] and now["ja_synligt"] and now["uppfoljda"]:
        sentences.append(
            f"Vid det senaste uppföljande samtalet under året svarade {number(now['ja_synligt'])} "
            f"av de {number(now['uppfoljda'])} klienter som följdes upp att de följer sin plan "
            "eller sitt recept helt."
        )
    elif now["dolt"]:
        sentences.append(
            "Hur många som följer sin plan redovisas inte i år, eftersom antalen är så små "
            "att enskilda personer skulle kunna pekas ut."
        )
    elif now["svarade"]:
        who = f"sa {number(now['ja'])}" if now["ja"] else "sa ingen"
        sentences.append(
            f"Av de {number(now['svarade'])} klienter som svarade på frågan vid sitt senaste "
            f"uppföljande samtal under året {who} att de följer sin plan eller sitt recept helt."
        )
    elif now["uppfoljda"]:
        sentences.append(
            f"Under året hade {number(now['uppfoljda'])} klienter ett uppföljande samtal. Om de "
            "följer sin plan eller sitt recept registrerades inte."
        )
    return sentences


def _service_quality(current: KeyFigures, previous: KeyFigures | None) -> dict:
    """Sentences and a table on how quickly and how well people were taken care of."""
    now, before = _quality_figures(current), _quality_figures(previous)

    def row(label: str, this: str, last: str) -> dict:
        return {"namn": label, "foregaende": last, "varde": this}

    def days(value) -> str:
        return MISSING if value is None else f"{number(value)} dagar"

    def plan(figures: dict) -> str:
        if figures["dolt"]:
            return SECONDARY  # the share would give the hidden answers away
        return percent(figures["ja"], figures["svarade"])

    rows = [
        row("Väntetid till första samtal (median)", days(now["median"]), days(before["median"])),
        *(
            row(label, percent(now[part], now[whole]), percent(before[part], before[whole]))
            for label, part, whole in (
                ("Ärenden med första samtal", "med_forsta", "arenden"),
                ("Första samtal inom 30 dagar", "inom_30", "arenden"),
                ("Uteblivna samtal", "uteblivna", "bokade"),
            )
        ),
        row("Följer sin plan (av dem som svarat)", plan(now), plan(before)),
    ]
    sentences = _quality_sentences(now, current.year)
    hidden = any(SECONDARY in (r["varde"], r["foregaende"]) for r in rows)
    return {
        "meningar": sentences,
        "rader": rows,
        "not": (
            f"”{SECONDARY}” betyder att andelen inte visas, eftersom den skulle avslöja hur "
            "få som gav ett visst svar. Ingen enskild person ska kunna pekas ut."
        )
        if hidden
        else "",
    }


def _activities_by_area(activities) -> list[dict]:
    """The year's activities grouped by focus area (the contract's order), largest first."""
    areas = []
    for area in contract.categories("fokusomrade"):
        rows = activities[activities["fokusomrade"] == area]
        if rows.empty:
            continue
        areas.append(
            {
                "namn": area,
                "aktiviteter": [
                    {
                        "aktivitet": r.aktivitet,
                        # Head counts only: how many different people came is unknown.
                        "unika_deltagare": int(r.unika_deltagare) if r.med_id else None,
                        "deltagartillfallen": int(r.deltagartillfallen),
                        "tillfallen": int(r.tillfallen),
                        "deltagartimmar": float(r.deltagartimmar),
                    }
                    for r in rows.itertuples(index=False)
                ],
            }
        )
    return areas


def _inflow_sentence(figures: KeyFigures, kommunnamn: str) -> str:
    """'Under 2023 kom 81 ärenden till …: 76 via FaR, 2 via annan remiss och 3 genom egen
    kontakt.' A channel with no cases is left out; never '0 via annan remiss'."""
    total = figures.value("arenden_inkomna")
    head = (
        f"Under {figures.year} kom {antal(total, 'ärende', 'ärenden')} "
        f"till Hälsocenter {kommunnamn}"
    )
    channels = [
        (figures.value("arenden_inkomna", "kanal", contract.channel(key)), how)
        for key, how in (
            ("far", "via FaR"),
            ("remiss", "via annan remiss"),
            ("egen_kontakt", "genom egen kontakt"),
        )
    ]
    used = [(count, how) for count, how in channels if count]
    if not total or not used:
        return f"{head}."
    if len(used) == 1:
        return f"{head}, {'alla ' if total > 1 else ''}{used[0][1]}."
    return f"{head}: {and_list([f'{number(count)} {how}' for count, how in used])}."


def _year_text(figures: KeyFigures) -> str:
    """The year's conversations, refusals, no-shows and returned prescriptions in words.

    A count of zero is left out of its sentence, and a sentence with nothing left is
    left out; a clause first after "Under året" puts its verb first (Swedish word order).
    """
    value = figures.value
    talks = [
        antal(value(name), word, word)
        for name, word in (
            ("forsta_samtal", "första samtal"),
            ("uppfoljande_samtal", "uppföljande samtal"),
        )
        if value(name)
    ]
    sentences = [
        f"Under {figures.year} genomförde hälsocoachen "
        f"{and_list(talks) if talks else 'inga samtal'}."
    ]
    clauses = []
    for name, singular, plural, verb_first, subject_first in (
        (
            "avbojda",
            "person",
            "personer",
            "tackade {} nej till erbjudandet",
            "{} tackade nej till erbjudandet",
        ),
        ("uteblivna_samtal", "samtal", "samtal", "uteblev {}", "{} uteblev"),
        (
            "recept_i_retur",
            "recept",
            "recept",
            "skickades {} tillbaka till förskrivaren",
            "{} skickades tillbaka till förskrivaren",
        ),
    ):
        if value(name):
            said = antal(value(name), singular, plural)
            clauses.append((subject_first if clauses else verb_first).format(said))
    if clauses:
        sentences.append(f"Under året {and_list(clauses)}.")
    return " ".join(sentences)


def _steering_sentence(dataset: Dataset, year: int) -> str:
    """How often the steering group met; '' when the coach did not say."""
    meetings = dataset.styrgruppsmoten
    if meetings is None:
        return ""
    had = f"haft {antal(meetings, 'möte', 'möten')}" if meetings else "inte haft något möte"
    return f"Styrgruppen för Hälsocenter {dataset.kommun.kommunnamn} har under {year} {had}."


def build_context(
    dataset: Dataset, figures: KeyFigures, previous: KeyFigures | None, threshold: int
) -> dict:
    """Everything the template may use, as plain values (images are added at render)."""
    # The template names each section by its key; the coach's sheet by its displayed name.
    avsnitt = contract.sheet("texter").column("avsnitt").varde_nycklar
    texts = {key: dataset.texter.get(shown, []) for key, shown in avsnitt.items()}
    value = figures.value
    activities = figures.activities.sort_values(
        ["deltagartimmar", "aktivitet"], ascending=[False, True]
    )
    return {
        "ar": figures.year,
        "kommunnamn": dataset.kommun.kommunnamn,
        "startdatum": dataset.startdatum.date(),
        "texter": texts,
        # The count only where the coach has not written about the steering group.
        "styrgrupp": "" if texts["styrgrupp"] else _steering_sentence(dataset, figures.year),
        "inflode": _inflow_sentence(figures, dataset.kommun.kommunnamn),
        "saknade_ar": years_text(figures.missing_years) if figures.missing_years else "",
        "sedan_start": {
            "arenden": value("arenden_sedan_start"),
            "far": value("far_sedan_start"),
            "forsta_samtal": value("forsta_samtal_sedan_start"),
        },
        "aret": _year_text(figures),
        "aktiviteter": _activities_by_area(activities),
        "statistik": _statistics(figures, previous, threshold),
        "kvalitet": _service_quality(figures, previous),
        "plan": _plan(dataset),
    }


def render(
    dataset: Dataset,
    figures: KeyFigures,
    previous: KeyFigures | None = None,
    threshold: int | None = None,
    template: Path = config.REPORT_TEMPLATE,
) -> Report:
    """The finished report as .docx bytes."""
    if threshold is None:
        threshold = contract.key_figure_format().undertryck_grans
    context = build_context(dataset, figures, previous, threshold)
    tpl = DocxTemplate(template)
    made = _charts(figures)
    context["diagram"] = {
        "manad": AltTextImage(
            tpl, io.BytesIO(made[0].png), made[0].alt_text, made[0].title, width=Mm(160)
        ),
        "fokusomraden": AltTextImage(
            tpl, io.BytesIO(made[1].png), made[1].alt_text, made[1].title, width=Mm(160)
        ),
    }
    filled = fill_template(tpl, template, context, finish=docx_layout.finish)
    data = finalize_docx(
        filled,
        title=f"Verksamhetsberättelse och verksamhetsplan {figures.year}, Hälsocenter "
        f"{dataset.kommun.kommunnamn}",
        subject="Hälsocenter i Jönköpings län",
        keywords="Hälsocenter; verksamhetsberättelse; verksamhetsplan",
        stamp=f"{figures.year + 1}-01-01T00:00:00Z",
    )
    return Report(data, [c.alt_text for c in made])
