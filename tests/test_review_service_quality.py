"""Review findings on the service-quality section (issue 14), as tests."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from pipeline.figures.aggregate import compute, previous_year
from pipeline.report.render import render, suppression_note
from pipeline.validation.validate import validate
from tests.conftest import TODAY
from tests.test_render import _rows, _table_after

D = dt.date


@pytest.fixture
def only_answers_hidden(books):
    """20 women born 1980 referred in 2023: kön and ålder have no small count, Följsamhet has."""
    books.rows["Uppgifter"] = [
        ["Kommun", "Vaggeryd"],
        ["År", 2023],
        ["Startdatum", D(2023, 1, 1)],
        ["Invånare", 14000],
        ["Styrgruppsmöten", 3],
    ]
    books.rows["Remisser"] = [
        [f"K{i}", D(2023, 2, 1), "FaR", "Vårdcentral", None, "Kvinna", 1980, None, None]
        for i in range(20)
    ]
    answers = ["Ja"] * 10 + ["Nej"] * 8 + ["Delvis"] * 2
    books.rows["Samtal"] = [
        *([f"K{i}", D(2023, 2, 10), "Första samtal", "Genomfört"] for i in range(20)),
        *(
            [f"K{i}", D(2023, 5, 1), "Uppföljande samtal", "Genomfört", answer]
            for i, answer in enumerate(answers)
        ),
    ]
    books.rows["Närvaro"] = [r for r in books.rows["Närvaro"] if r[0].year == 2023]
    return books


def test_a_hidden_share_in_the_service_table_is_explained(only_answers_hidden):
    result = validate(only_answers_hidden.write(), today=TODAY)
    assert result.ok, [p.line() for p in result.errors]
    figures = compute(result.dataset)
    document = docx.Document(
        io.BytesIO(render(result.dataset, figures, previous_year(result.dataset)).docx)
    )
    rows = _rows(_table_after(document, "Hur snabbt och hur väl"))
    assert rows[5][0] == "Följer sin plan (av dem som svarat)"
    assert rows[5][2] == ".."  # Delvis 2 hidden, Nej 8 hidden with it
    demografi = _rows(_table_after(document, "Kön och ålder"))
    assert not any(cell in ("..", "1–4") for row in demografi for cell in row)
    text = [p.text for p in document.paragraphs]
    note = next(p for p in text if p.startswith("”..” betyder att andelen inte visas"))
    heading = max(i for i, p in enumerate(text) if p == "Inkomna ärenden per kanal och remittent")
    assert text.index(note) < heading  # the heading, not its line in the contents list
    assert suppression_note(5) not in text  # kön and ålder hide nothing here
