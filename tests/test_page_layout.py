"""The page rules' measuring stick (tests/page_layout.py) catches each broken rule.

The rendered report is measured in test_pdf.py where LibreOffice is installed; here the
rules themselves are tried on pages described by hand, so a checker that sees nothing
cannot pass for one that sees all.
"""

from __future__ import annotations

from page_layout import Expected, Page, faults

EXPECTED = Expected(
    headings=["Statistik 2023", "Kön och ålder", "Fokusområde Gemenskap, psykiskt välbefinnande"],
    chapters=["Statistik 2023"],
    captions=["Deltagartimmar per fokusområde 2023"],
    table_headers=[{"Uppdelning", "Kategori", "2022", "2023", "Förändring"}],
)


def page(number, rows, filled=0.9, images=0, text_bottom=None):
    return Page(
        number,
        rows,
        filled,
        images,
        [set(r.split()) for r in rows],
        filled if text_bottom is None else text_bottom,
    )


def test_a_well_made_document_has_no_faults():
    pages = [
        page(1, ["Inledning", "Text.", "Kön och ålder", "Uppdelning Kategori 2022 2023", "Kön 1"]),
        page(2, ["Mer text."], filled=0.3),  # less than half, but a chapter follows
        page(
            3, ["Statistik 2023", "Deltagartimmar per fokusområde 2023"], images=1, text_bottom=0.1
        ),
        page(4, ["Sista raden."], filled=0.1),  # the last page may be short
    ]
    assert faults(pages, EXPECTED) == []


def test_each_broken_rule_is_named():
    pages = [
        page(1, ["Text.", "Kön och ålder"]),  # a heading alone at the foot
        page(2, ["Text.", "Fokusområde Gemenskap, psykiskt", "välbefinnande"]),  # wrapped
        page(3, ["Text.", "Uppdelning Kategori 2022 2023 Förändring"]),  # a lone header row
        page(4, ["Deltagartimmar per fokusområde 2023"], images=1, text_bottom=0.05),
        page(5, ["Text."], filled=0.3),  # a third full, and no chapter next
        page(6, ["Text.", "Deltagartimmar per fokusområde 2023"]),  # a caption at the foot
    ]
    assert faults(pages, EXPECTED) == [
        "sidan 1 slutar med rubriken eller bildtexten 'Kön och ålder'",
        "sidan 2 slutar med rubriken eller bildtexten "
        "'Fokusområde Gemenskap, psykiskt välbefinnande'",
        "sidan 3 slutar med en tabells rubrikrad: 'Uppdelning Kategori 2022 2023 Förändring'",
        "sidan 4 har ett diagram och ingenting annat",
        "sidan 5 är bara till 30% fylld, och nästa sida börjar inget nytt kapitel ('Text.')",
        "sidan 6 slutar med rubriken eller bildtexten 'Deltagartimmar per fokusområde 2023'",
    ]
