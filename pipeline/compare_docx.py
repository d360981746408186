"""The comparison as a short Word report, from its own template (templates/jamforelse.docx)."""

from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate

from pipeline import charts, config, contract
from pipeline.compare import (
    NO_FILE,
    SUPPRESSED,
    Comparison,
    FigureColumn,
    chart_columns,
    county_total,
    rows,
    trend_column,
    unweighted_mean,
)
from pipeline.formatting import tal
from pipeline.ooxml import finalize_docx
from pipeline.render import AltTextImage, fill_template

TABLE = [
    FigureColumn("arenden_inkomna", "", "", "Inkomna ärenden"),
    FigureColumn("arenden_inkomna", "", "", "per 1 000 inv.", per_1000=True),
    FigureColumn("forsta_samtal", "", "", "Första samtal"),
    FigureColumn("forsta_samtal", "", "", "per 1 000 inv.", per_1000=True),
    FigureColumn("deltagartimmar", "", "", "Deltagartimmar"),
    FigureColumn("unika_deltagare", "", "", "Unika deltagare"),
]


def _shown(value, per_1000: bool) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None:
        return "–"
    return tal(round(value, 1) if per_1000 else round(value, 1))


def _table(comparison: Comparison) -> list[dict]:
    result = []
    for row in rows(comparison, TABLE):
        cells = (
            [NO_FILE] + [""] * (len(TABLE) - 1)
            if row.missing
            else [_shown(v, c.per_1000) for v, c in zip(row.cells, TABLE, strict=True)]
        )
        result.append({"kommun": row.namn, "celler": cells})
    for label, function in (("Länet totalt", county_total), ("Ovägt medel", unweighted_mean)):
        result.append(
            {
                "kommun": label,
                "celler": [_shown(function(comparison, c), c.per_1000) for c in TABLE],
            }
        )
    return result


def _charts(comparison: Comparison) -> list[charts.Chart]:
    made = []
    names = [k.namn for k in contract.kommuner()]
    for column in chart_columns():
        values = rows(comparison, [column])
        made.append(
            charts.bars_across(
                f"{column.rubrik} {comparison.ar}",
                names,
                [r.cells[0] for r in values],
                unweighted_mean(comparison, column),
            )
        )
    column = trend_column()
    series = {k.namn: [] for k in contract.kommuner()}
    for year in comparison.years:
        for row in rows(comparison, [column], year):
            series[row.namn].append(row.cells[0])
    made.append(charts.lines_over_years(column.rubrik, comparison.years, series))
    return made


def render(
    comparison: Comparison, template: Path = config.COMPARISON_TEMPLATE
) -> tuple[bytes, list[str]]:
    tpl = DocxTemplate(template)
    made = _charts(comparison)
    images = [
        AltTextImage(tpl, io.BytesIO(c.png), c.alt_text, c.title, width=Mm(160)) for c in made
    ]
    context = {
        "ar": comparison.ar,
        "antal_med_fil": len(contract.kommuner()) - len(comparison.missing()),
        "antal_kommuner": len(contract.kommuner()),
        "saknas": [k.namn for k in comparison.missing()],
        "overhoppade": [
            {"fil": f.path.name, "problem": f.problem} for f in comparison.files if not f.used
        ],
        "rubriker": [c.rubrik for c in TABLE],
        "tabell": _table(comparison),
        "diagram": [
            {"rubrik": c.title, "bild": image}
            for c, image in zip(made[:-1], images[:-1], strict=True)
        ],
        "trend": images[-1],
        "ar_lista": ", ".join(str(y) for y in comparison.years),
    }
    filled = fill_template(tpl, template, context)
    data = finalize_docx(
        filled,
        title=f"Hälsocenter i Jönköpings län – jämförelse {comparison.ar}",
        subject="Hälsocenter i Jönköpings län",
        keywords="Hälsocenter; jämförelse; nyckeltal",
        stamp=f"{comparison.ar + 1}-01-01T00:00:00Z",
    )
    return data, [c.alt_text for c in made]
