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

from pipeline import charts, config, contract
from pipeline.aggregate import KeyFigures
from pipeline.contract import KANAL
from pipeline.dataset import Dataset
from pipeline.docx_fill import (  # noqa: F401  (re-exported for callers and tests)
    AltTextImage,
    TemplateProblem,
    fill_template,
    jinja_environment,
)
from pipeline.formatting import MISSING, SECONDARY, UNKNOWN, forandring, slug, tal
from pipeline.history import years_text
from pipeline.ooxml import finalize_docx

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
    if figure.undertryckt:
        return SECONDARY if figure.secondary else small_count_label(threshold)
    return tal(figure.varde)


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
                {f.kategori: f for f in previous.breakdown("arenden_inkomna", dimension)}
                if previous
                else {}
            )
            for figure in current.breakdown("arenden_inkomna", dimension):
                before = before_group.get(figure.kategori)
                rows.append(
                    {
                        "dimension": DIMENSION_LABELS[dimension],
                        "kategori": figure.kategori,
                        "varde": _cell(figure, threshold),
                        "foregaende": _cell(before, threshold),
                        # A hidden count has no change either: it would give it away.
                        "forandring": forandring(before.varde if before else None, figure.varde),
                    }
                )
        return rows

    areas = []
    for figure in current.breakdown("aktiviteter", "fokusomrade") + [None]:
        kategori, dimension = (figure.kategori, "fokusomrade") if figure else ("", "")
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
        return [int(f.varde) for f in figures.breakdown(name, "manad")]

    areas = figures.breakdown("deltagartimmar", "fokusomrade")
    return [
        charts.monthly(figures.ar, monthly("arenden_inkomna"), monthly("forsta_samtal")),
        charts.focus_hours(
            figures.ar, [f.kategori for f in areas], [float(f.varde) for f in areas]
        ),
    ]


def _plan(dataset: Dataset) -> list[dict]:
    areas = contract.workbook("verksamhet.xlsx").sheet("Plan").column("fokusomrade").varden
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


def build_context(
    dataset: Dataset, figures: KeyFigures, previous: KeyFigures | None, threshold: int
) -> dict:
    """Everything the template may use, as plain values (images are added at render)."""
    avsnitt = contract.workbook("verksamhet.xlsx").sheet("Texter").column("avsnitt").varden
    value = figures.value
    activities = figures.activities.sort_values(
        ["deltagartimmar", "aktivitet"], ascending=[False, True]
    )
    return {
        "ar": figures.ar,
        "kommunnamn": dataset.kommun.kommunnamn,
        "startdatum": dataset.startdatum.date(),
        "styrgruppsmoten": dataset.styrgruppsmoten,
        "texter": {slug(a): dataset.texter.get(a, []) for a in avsnitt},
        "inflode": {
            "arenden": value("arenden_inkomna"),
            "far": value("arenden_inkomna", "kanal", KANAL("far")),
            "remiss": value("arenden_inkomna", "kanal", KANAL("remiss")),
            "egen": value("arenden_inkomna", "kanal", KANAL("egen_kontakt")),
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
        "aktiviteter": [
            {
                "aktivitet": r.aktivitet,
                "fokusomrade": r.fokusomrade,
                # Head counts only: how many different people came is unknown.
                "unika_deltagare": int(r.unika_deltagare) if r.med_id else None,
                "deltagartillfallen": int(r.deltagartillfallen),
                "tillfallen": int(r.tillfallen),
                "deltagartimmar": float(r.deltagartimmar),
            }
            for r in activities.itertuples(index=False)
        ],
        "statistik": _statistics(figures, previous, threshold),
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
        title=f"Verksamhetsberättelse och verksamhetsplan {figures.ar}, Hälsocenter "
        f"{dataset.kommun.kommunnamn}",
        subject="Hälsocenter i Jönköpings län",
        keywords="Hälsocenter; verksamhetsberättelse; verksamhetsplan",
        stamp=f"{figures.ar + 1}-01-01T00:00:00Z",
    )
    return Report(data, [c.alt_text for c in made])
