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
from pipeline.publish.docx_fill import (  # noqa: F401  (re-exported for callers and tests)
    AltTextImage,
    TemplateProblem,
    fill_template,
    jinja_environment,
)
from pipeline.publish.formatting import MISSING, SECONDARY, UNKNOWN, forandring, tal, years_text
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
    return tal(figure.value)


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
    return UNKNOWN if value is None else tal(value)


def _statistics(current: KeyFigures, previous: KeyFigures | None, threshold: int) -> dict:
    def prev(name, dimension="", kategori=""):
        return previous.value(name, dimension, kategori) if previous else None

    samtal = []
    for name, label, since in SAMTAL_ROWS:
        value = current.value(name)
        samtal.append(
            {
                "namn": label,
                "varde": tal(value),
                "foregaende": tal(prev(name)),
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
                    name: tal(current.value(name, dimension, kategori))
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


def _share(numerator, denominator) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _share_text(part, whole) -> str:
    """'91 % (74 av 81)'; '–' when unknown."""
    share = _share(part, whole)
    if share is None:
        return MISSING
    return f"{tal(round(share * 100))}\u00a0% ({tal(part)} av {tal(whole)})"


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


def _service_quality(current: KeyFigures, previous: KeyFigures | None) -> dict:
    """Sentences and a table on how quickly and how well people were taken care of."""
    now, before = _quality_figures(current), _quality_figures(previous)

    def row(label: str, this: str, last: str) -> dict:
        return {"namn": label, "foregaende": last, "varde": this}

    def days(value) -> str:
        return MISSING if value is None else f"{tal(value)} dagar"

    def plan(figures: dict) -> str:
        if figures["dolt"]:
            return SECONDARY  # the share would give the hidden answers away
        return _share_text(figures["ja"], figures["svarade"])

    rows = [
        row("Väntetid till första samtal (median)", days(now["median"]), days(before["median"])),
        *(
            row(label, _share_text(now[part], now[whole]), _share_text(before[part], before[whole]))
            for label, part, whole in (
                ("Ärenden med första samtal", "med_forsta", "arenden"),
                ("Första samtal inom 30 dagar", "inom_30", "arenden"),
                ("Uteblivna samtal", "uteblivna", "bokade"),
            )
        ),
        row("Följer sin plan (av dem som svarat)", plan(now), plan(before)),
    ]
    sentences = []
    if now["median"] is not None:
        sentences.append(
            f"Hälften av dem som kom till Hälsocenter under {current.year} och har haft sitt "
            f"första samtal fick det inom {tal(now['median'])} dagar."
        )
    if now["arenden"]:
        sentences.append(
            f"Av årets {tal(now['arenden'])} ärenden har {tal(now['med_forsta'])} fått ett "
            f"första samtal, och {tal(now['inom_30'])} fick det inom 30 dagar."
        )
    if now["bokade"]:
        sentences.append(
            f"Av {tal(now['bokade'])} inbokade samtal uteblev {tal(now['uteblivna'])}, det vill "
            f"säga {tal(round(now['uteblivna'] / now['bokade'] * 100))} procent."
        )
    if now["dolt"] and now["ja_synligt"] and now["uppfoljda"]:
        sentences.append(
            f"Vid det senaste uppföljande samtalet under året svarade {tal(now['ja_synligt'])} "
            f"av de {tal(now['uppfoljda'])} klienter som följdes upp att de följer sin plan "
            "eller sitt recept helt."
        )
    elif now["dolt"]:
        sentences.append(
            "Hur många som följer sin plan redovisas inte i år, eftersom antalen är så små "
            "att enskilda personer skulle kunna pekas ut."
        )
    elif now["svarade"]:
        sentences.append(
            f"Av de {tal(now['svarade'])} klienter som svarade på frågan vid sitt senaste "
            f"uppföljande samtal under året sa {tal(now['ja'])} att de följer sin plan eller "
            "sitt recept helt."
        )
    elif now["uppfoljda"]:
        sentences.append(
            f"Under året hade {tal(now['uppfoljda'])} klienter ett uppföljande samtal. Om de "
            "följer sin plan eller sitt recept registrerades inte."
        )
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


def build_context(
    dataset: Dataset, figures: KeyFigures, previous: KeyFigures | None, threshold: int
) -> dict:
    """Everything the template may use, as plain values (images are added at render)."""
    # The template names each section by its key; the coach's sheet by its displayed name.
    avsnitt = contract.sheet("texter").column("avsnitt").varde_nycklar
    value = figures.value
    activities = figures.activities.sort_values(
        ["deltagartimmar", "aktivitet"], ascending=[False, True]
    )
    return {
        "ar": figures.year,
        "kommunnamn": dataset.kommun.kommunnamn,
        "startdatum": dataset.startdatum.date(),
        "styrgruppsmoten": dataset.styrgruppsmoten,
        "texter": {key: dataset.texter.get(shown, []) for key, shown in avsnitt.items()},
        "inflode": {
            "arenden": value("arenden_inkomna"),
            "far": value("arenden_inkomna", "kanal", contract.channel("far")),
            "remiss": value("arenden_inkomna", "kanal", contract.channel("remiss")),
            "egen": value("arenden_inkomna", "kanal", contract.channel("egen_kontakt")),
        },
        "saknade_ar": years_text(figures.missing_years) if figures.missing_years else "",
        "sedan_start": {
            "arenden": value("arenden_sedan_start"),
            "far": value("far_sedan_start"),
            "forsta_samtal": value("forsta_samtal_sedan_start"),
        },
        "aret": {
            name: value(full)
            for name, full in (
                ("arenden", "arenden_inkomna"),
                ("far", "far_inkomna"),
                ("forsta_samtal", "forsta_samtal"),
                ("uppfoljande_samtal", "uppfoljande_samtal"),
                ("avbojda", "avbojda"),
                ("uteblivna_samtal", "uteblivna_samtal"),
                ("recept_i_retur", "recept_i_retur"),
            )
        },
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
    filled = fill_template(tpl, template, context)
    data = finalize_docx(
        filled,
        title=f"Verksamhetsberättelse och verksamhetsplan {figures.year}, Hälsocenter "
        f"{dataset.kommun.kommunnamn}",
        subject="Hälsocenter i Jönköpings län",
        keywords="Hälsocenter; verksamhetsberättelse; verksamhetsplan",
        stamp=f"{figures.year + 1}-01-01T00:00:00Z",
    )
    return Report(data, [c.alt_text for c in made])
