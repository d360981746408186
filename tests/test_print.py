"""Workbooks people print: header rows sized for their text, A4 print setup, no Markdown."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from pipeline.coach.blank_workbooks import write_blank_workbooks
from pipeline.publish.row_height import POINTS_PER_LINE, wrapped_height
from pipeline.validation.problems import Problem
from pipeline.validation.report import validation_report


def _assert_printable(sheet, landscape: bool) -> None:
    setup = sheet.page_setup
    assert str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1
    assert setup.fitToHeight == 0


def test_validation_report_prints_whole_messages(tmp_path):
    long = "Värdet ser ut som ett personnummer (ÅÅMMDD-XXXX). " * 3
    problems = [Problem("remisser.xlsx", "Remisser", 5, "Klient-ID", "x", long, "Rätta det.")]
    book = load_workbook(io.BytesIO(validation_report(problems, [])))
    sheet = book["Problem"]
    _assert_printable(sheet, landscape=True)
    assert sheet.print_title_rows == "$1:$1"
    assert sheet["G2"].alignment.wrap_text
    # The message needs three lines in its 60-wide column; the row is made that high.
    assert sheet.row_dimensions[2].height == 3 * POINTS_PER_LINE + 4
    assert sheet.column_dimensions["G"].width == 60


def test_blank_workbooks_print_and_hold_no_markdown(tmp_path):
    for path in write_blank_workbooks(tmp_path):
        book = load_workbook(path)
        instructions = book["Instruktioner"]
        _assert_printable(instructions, landscape=True)
        texts = [c.value for row in instructions.iter_rows() for c in row if c.value]
        assert not any("`" in str(t) for t in texts), path.name
        for sheet in book.worksheets:
            if sheet.sheet_state == "visible" and sheet.title != "Instruktioner":
                assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
                assert sheet.print_title_rows == "$1:$1", sheet.title


def test_wrapped_height_counts_lines():
    assert wrapped_height(["kort"], [20]) == POINTS_PER_LINE + 4
    assert wrapped_height(["ett två tre fyra fem sex sju åtta nio tio"], [12]) > 3 * 15
    assert wrapped_height(["rad ett\nrad två"], [40]) == 2 * POINTS_PER_LINE + 4
