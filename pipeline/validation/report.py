"""The validation report (output/valideringsrapport.xlsx) and the terminal summary."""

from __future__ import annotations

from pipeline.publish.plain_xlsx import workbook_bytes
from pipeline.validation.problems import LEVEL_LABELS, Level, Problem, sort_key


def validation_report(problems: list[Problem], sheets: list) -> bytes:
    """One row per problem, sorted by file and row, plus a summary that reconciles every
    sheet: the validation report's bytes (written together with the run's other outputs)."""
    rows = [
        [LEVEL_LABELS[p.level], p.file, p.sheet, p.row, p.column, p.value, p.message, p.fix]
        for p in sorted(problems, key=sort_key)
    ]
    if not rows:
        rows = [["", "", "", None, "", "", "Inga fel", ""]]
    summary = [
        [
            s.file,
            s.sheet,
            s.rows_read,
            s.rows_read - s.empty_rows - s.error_rows,
            s.empty_rows,
            s.error_rows,
        ]
        for s in sheets
    ]
    errors = sum(p.level == Level.ERROR for p in problems)
    warnings = sum(p.level == Level.WARNING for p in problems)
    summary.append(["Totalt", "", sum(s.rows_read for s in sheets), None, None, None])
    summary.append([f"{errors} fel, {warnings} varningar", "", None, None, None, None])
    return workbook_bytes(
        {
            "Problem": (
                ["Nivå", "Fil", "Flik", "Rad", "Kolumn", "Värde", "Problem", "Hur du rättar"],
                rows,
            ),
            "Sammanfattning": (
                ["Fil", "Flik", "Rader lästa", "Rader använda", "Tomma rader", "Rader med fel"],
                summary,
            ),
        },
        widths={
            "Problem": (9, 16, 12, 6, 16, 18, 60, 50),
            "Sammanfattning": (24, 14, 11, 11, 11, 11),
        },
    )


def printed_order(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings and notices; each by file, sheet, row and column."""
    return sorted(problems, key=lambda p: (list(Level).index(p.level), *sort_key(p)))


def summary_lines(problems: list[Problem], limit: int = 50) -> list[str]:
    """Errors first, then warnings and notices; at most `limit` lines, then a count of the rest."""
    ordered = printed_order(problems)
    lines = [p.line() for p in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"... och {len(ordered) - limit} till. Alla finns i valideringsrapporten.")
    return lines
