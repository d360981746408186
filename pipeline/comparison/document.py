"""The comparison as a short Word report, from its own template (templates/jamforelse.docx).

Numbers are Swedish with one decimal throughout (6,0 beside 6,6); with the
region's targets, each value carries its status. Charts are sorted by value with
the mean marked; the trend is small multiples. Imports nothing that reads workbooks.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, RichText

from pipeline import config
from pipeline.comparison import charts as compare_charts
from pipeline.comparison.charts import number_text
from pipeline.comparison.compare import (
    MEAN_LABEL,
    MISSING,
    SUPPRESSED,
    Comparison,
    Value,
    county_measure,
    coverage_label,
    mean,
    measure_value,
)
from pipeline.contract import schema as contract
from pipeline.contract.comparison import Measure, layout, measure, measures
from pipeline.publish.docx_fill import AltTextImage, fill_template
from pipeline.publish.ooxml import finalize_docx

STATUS_COLOR = {"uppnått": "0B5394", "nära": "7F6000", "ej uppnått": "A0410D"}


def shown(value: Value, decimals: int = 1) -> str:
    """'6,6', '..', '≥ 48,2' or '–': the report's one number format."""
    if value.suppressed:
        return SUPPRESSED
    if value.number is None:
        return MISSING
    text = number_text(value.number, decimals)
    return f"≥ {text}" if value.at_least else text


def _cell(comparison: Comparison, m: Measure, value: Value, with_status: bool) -> RichText:
    text = RichText(shown(value), size=17)
    target = comparison.targets.get(m.id)
    if with_status and target:
        status = target.status(value)
        if status:
            text.add("\n" + status, size=14, italic=True, color=STATUS_COLOR[status])
    return text


def _unit(m: Measure) -> str:
    return " %" if m.procent else (" dagar" if not m.summable else " per 1 000 invånare")


def _table(comparison: Comparison) -> list[dict]:
    result = []
    for kommun in contract.kommuner():
        state = comparison.state(kommun.kod)
        if state:
            cells = [RichText(state, size=17, italic=True)] + [RichText("")] * (len(measures()) - 1)
        else:
            cells = [
                _cell(comparison, m, measure_value(comparison, kommun.kod, m), True)
                for m in measures()
            ]
        result.append({"kommun": kommun.namn, "celler": cells})
    present = comparison.present()
    result.append(
        {
            "kommun": coverage_label(comparison),
            "celler": [
                _cell(comparison, m, county_measure(comparison, m), False) for m in measures()
            ],
        }
    )
    result.append(
        {
            "kommun": MEAN_LABEL,
            "celler": [
                _cell(
                    comparison,
                    m,
                    mean([measure_value(comparison, k.kod, m) for k in present]),
                    False,
                )
                for m in measures()
            ],
        }
    )
    return result


def _bars(comparison: Comparison, m: Measure):
    values, left_out = {}, {}
    for kommun in contract.kommuner():
        state = comparison.state(kommun.kod)
        value = None if state else measure_value(comparison, kommun.kod, m)
        if state:
            left_out[kommun.namn] = state
        elif value.suppressed:
            left_out[kommun.namn] = "dolt värde"
        elif value.number is None:
            left_out[kommun.namn] = "uppgift saknas"
        else:
            values[kommun.namn] = value.number
    average = mean([measure_value(comparison, k.kod, m) for k in comparison.present()])
    target = comparison.targets.get(m.id)
    unit = "procent" if m.procent else ("dagar" if not m.summable else "per 1 000 invånare")
    return compare_charts.bars_across(
        f"{m.rubrik} {comparison.ar}",
        values,
        average.number if average.exact else None,
        target.malvarde if target else None,
        unit,
        left_out,
    )


def _trend(comparison: Comparison, m: Measure):
    series = {
        k.namn: [
            measure_value(comparison, k.kod, m, y).number
            if measure_value(comparison, k.kod, m, y).exact
            else None
            for y in comparison.years
        ]
        for k in contract.kommuner()
    }
    county = [county_measure(comparison, m, y) for y in comparison.years]
    return compare_charts.small_multiples(
        f"{m.rubrik} {comparison.years[0]}–{comparison.years[-1]}",
        comparison.years,
        series,
        [v.number if v.exact else None for v in county],
        "Kommunerna med fil tillsammans",
    )


def _summary(comparison: Comparison, m: Measure) -> str:
    """One sentence under a chart: highest, lowest and the mean."""
    known = [
        (measure_value(comparison, k.kod, m).number, k.namn)
        for k in comparison.present()
        if measure_value(comparison, k.kod, m).exact
    ]
    if not known:
        return "Ingen kommun har ett värde för måttet."
    high, low = max(known), min(known)
    average = mean([Value(v) for v, _ in known])
    return (
        f"Högst: {high[1]} ({number_text(high[0])}). Lägst: {low[1]} ({number_text(low[0])}). "
        f"Ovägt medel: {shown(average)} ({len(known)} kommuner med värde)."
    )


def render(
    comparison: Comparison, template: Path = config.COMPARISON_TEMPLATE
) -> tuple[bytes, list[str]]:
    tpl = DocxTemplate(template)
    bar_measures = [measure(i) for i in layout()["diagram"]]
    trend_measures = [measure(i) for i in layout()["trend"]] if len(comparison.years) > 1 else []
    bars = [_bars(comparison, m) for m in bar_measures]
    trends = [_trend(comparison, m) for m in trend_measures]

    def image(chart):
        return AltTextImage(tpl, io.BytesIO(chart.png), chart.alt_text, chart.title, width=Mm(165))

    missing = comparison.missing()
    targets = [
        {
            "matt": measure(t.matt).rubrik,
            "mal": ("minst " if t.battre == "högre" else "högst ")
            + number_text(t.malvarde)
            + _unit(measure(t.matt)),
        }
        for t in comparison.targets.values()
    ]
    context = {
        "ar": comparison.ar,
        "antal_med_fil": len(contract.kommuner()) - len(missing),
        "antal_kommuner": len(contract.kommuner()),
        "utan_fil": [f"{k.namn} ({comparison.state(k.kod)})" for k in missing],
        "filer": [f.line() for f in comparison.files if f.status != "används" or f.copy_of],
        "rubriker": [m.kort for m in measures()],
        "tabell": _table(comparison),
        "malvarden": targets,
        "diagram": [
            {"rubrik": c.title, "bild": image(c), "text": _summary(comparison, m)}
            for c, m in zip(bars, bar_measures, strict=True)
        ],
        "trender": [{"rubrik": c.title, "bild": image(c)} for c in trends],
        "ar_lista": ", ".join(str(y) for y in comparison.years),
        "definitioner": [
            {"rubrik": m.rubrik, "id": m.id, "definition": m.definition} for m in measures()
        ],
    }
    filled = fill_template(tpl, template, context)
    data = finalize_docx(
        filled,
        title=f"Hälsocenter i Jönköpings län – jämförelse {comparison.ar}",
        subject="Hälsocenter i Jönköpings län",
        keywords="Hälsocenter; jämförelse; nyckeltal",
        stamp=f"{comparison.ar + 1}-01-01T00:00:00Z",
    )
    return data, [c.alt_text for c in bars + trends]
