"""The Word report, read back with python-docx: sentences, tables, charts, metadata."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from pipeline import config
from pipeline.figures.aggregate import compute
from pipeline.report.render import TemplateProblem, render
from pipeline.validation.validate import validate
from tests.conftest import TODAY, D

NBSP = "\u00a0"


def _render(folder: Path, **kwargs):
    dataset = validate(folder, today=TODAY).dataset
    figures = compute(dataset)
    previous = compute(dataset, dataset.year - 1)
    return render(dataset, figures, previous, **kwargs)


@pytest.fixture
def example_report(example):
    return example.report, example.document


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _table_after(document, heading: str):
    """The first table that follows the heading with this text (not its contents entry)."""
    body = document.element.body
    seen = False
    for child in body.iterchildren():
        paragraph = Paragraph(child, document) if child.tag == qn("w:p") else None
        if (
            paragraph is not None
            and paragraph.style.name.startswith("Heading")
            and paragraph.text.strip() == heading
        ):
            seen = True
        elif seen and child.tag == qn("w:tbl"):
            return next(t for t in document.tables if t._tbl is child)
    raise AssertionError(f"no table after {heading}")


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_seed_figures_in_their_sentences(example_report):
    _, document = example_report
    text = _paragraphs(document)
    assert (
        "Hälsocenter Vaggeryds kommun tog emot sin första klient den 25 oktober 2021. Sedan "
        "dess har det kommit 167 ärenden, varav 159 FaR, och det har genomförts 152 första "
        "samtal."
    ) in text
    assert (
        "Under 2023 kom 81 ärenden till Hälsocenter Vaggeryds kommun: 76 via FaR, 2 via annan "
        "remiss och 3 genom egen kontakt."
    ) in text
    assert (
        "Under 2023 genomförde hälsocoachen 89 första samtal och 98 uppföljande samtal. Under "
        "året tackade 3 personer nej till erbjudandet, 25 samtal uteblev och 4 recept skickades "
        "tillbaka till förskrivaren."
    ) in text
    # Activities come grouped by focus area, each area named once above its list.
    areas = [p for p in document.paragraphs if p.text in ("Fysisk aktivitet", "Matvanor")]
    assert [p.text for p in areas] == ["Fysisk aktivitet", "Matvanor"]
    far = next(p for p in text if p.startswith("FaR träningsgrupp"))
    assert (
        far
        == "FaR träningsgrupp: 12 unika deltagare vid 37 tillfällen, sammanlagt 227 deltagartimmar."
    )
    assert any(p.startswith("LSS träningsgrupp: 14 unika deltagare") for p in text)
    assert any(p.startswith("Hälsosamma matvanor, allmänheten: 5 unika deltagare") for p in text)
    assert any(p.startswith("Hälsosamma matvanor, AME: 6 unika deltagare") for p in text)
    assert any(p.startswith("Föreläsning Jacob Gudiol, skoldag: 400 deltagare") for p in text)
    # The coach writes about the steering group: the generated count would repeat it.
    assert not any(p.startswith("Styrgruppen för Hälsocenter Vaggeryds kommun har") for p in text)


def test_structure_mirrors_the_seed_report_with_builtin_headings(example_report):
    _, document = example_report
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    level1 = [t for s, t in headings if s == "Heading 1"]
    assert level1 == [
        "Inledning",
        "Beskrivning av verksamheten Hälsocenter",
        "Verksamhetsberättelse",
        "Beskrivning av lokalt Hälsocenter",
        "Statistik 2023",
        "Verksamhetsplan – Hälsocenter Jönköpings län",
    ]
    level2 = [t for s, t in headings if s == "Heading 2"]
    assert "Syfte och målgrupp" in level2 and "Hälsocoachens roll" in level2
    assert [t for t in level2 if t.startswith("Fokusområde")] == [
        "Fokusområde Fysisk aktivitet",
        "Fokusområde Matvanor",
        "Fokusområde Stress och återhämtning",
        "Fokusområde Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Fokusområde Spontana besök",  # the seed report's order
        "Fokusområde Föreläsningar",
    ]


def test_coach_texts_follow_the_regional_goals(example_report):
    _, document = example_report
    text = _paragraphs(document)
    goal = next(i for i, p in enumerate(text) if p.startswith("Huvuduppgiften för en hälsocoach"))
    assert text[goal + 1].startswith("Samtalen bygger på motiverande samtal")
    # A line break in the cell is a new paragraph.
    assert text[goal + 2].startswith("Vi tar små steg i taget")


def test_statistics_tables(example_report):
    _, document = example_report
    samtal = _rows(_table_after(document, "Inflöde och samtal"))
    assert samtal[0] == ["Nyckeltal", "2022", "2023", "Förändring", "Sedan start"]
    assert samtal[1] == ["Inkomna ärenden", "72", "81", "+9", "167"]
    assert samtal[3][0] == "Genomförda första samtal" and samtal[3][2:] == ["89", "+38", "152"]
    assert ["Spontana besök", "3", "4", "+1", "–"] in samtal
    inflode = _rows(_table_after(document, "Inkomna ärenden per kanal och remittent"))
    assert inflode[0] == ["Uppdelning", "Kategori", "2022", "2023", "Förändring"]
    assert ["Kanal", "FaR", "69", "76", "+7"] in inflode
    areas = _rows(_table_after(document, "Aktiviteter per fokusområde"))
    assert areas[0] == [
        "Fokusområde",
        "Aktiviteter",
        "Tillfällen",
        "Unika deltagare",
        "Deltagartillfällen",
        "Deltagartimmar",
    ]
    assert areas[-1][0] == "Totalt"
    fysisk = next(r for r in areas if r[0] == "Fysisk aktivitet")
    assert fysisk[1] == "4"
    assert areas[-1][5] == f"1{NBSP}254"  # Swedish thousands separator


def test_every_table_repeats_its_header_row(example_report):
    _, document = example_report
    assert len(document.tables) == 5 + 6  # statistics (with service quality) and the plan
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


def test_plan_tables_from_the_plan_sheet(example_report):
    _, document = example_report
    fysisk = _rows(_table_after(document, "Fokusområde Fysisk aktivitet"))
    assert fysisk[0][0].startswith("Aktivitet – vad ska göras?")
    assert fysisk[1:] == [
        ["FaR träningsgrupp", "Fungerar bra.", "Fortsätter 2024"],
        [
            "LSS träningsgrupp",
            "Fungerar bra. Ska utvärderas.",
            "Fortsätter VT2024, söka nytt stöd för 2 terminer",
        ],
        [
            "Promenadgrupper",
            "Har ej startat, men gemensamma X-rundor testat. Ska söka volontärer.",
            "Bör öka 2024",
        ],
    ]
    stress = _rows(_table_after(document, "Fokusområde Stress och återhämtning"))
    assert [r[0] for r in stress[1:]] == ["Samverkan med Värnamo", "Utbildning Mindfulness"]
    spontana = _rows(_table_after(document, "Fokusområde Spontana besök"))
    assert spontana[1] == ["Spontana besök", "4 styck", "Fortsätter 2024"]


def test_charts_have_alt_text(example_report):
    report, document = example_report
    doc_prs = document.element.body.findall(".//" + qn("wp:docPr"))
    assert len(doc_prs) == 2
    descriptions = [d.get("descr") for d in doc_prs]
    assert descriptions == report.alt_texts
    assert descriptions[0].startswith(
        "Stapeldiagram: inkomna ärenden och första samtal per månad 2023. Inkomna ärenden: jan "
    )
    assert "Fysisk aktivitet: 496" in descriptions[1]
    images = [
        n
        for n in zipfile.ZipFile(io.BytesIO(report.docx)).namelist()
        if n.startswith("word/media/")
    ]
    assert len(images) == 2


def test_document_is_swedish_and_anonymous(example_report):
    report, document = example_report
    props = document.core_properties
    assert props.title == (
        "Verksamhetsberättelse och verksamhetsplan 2023, Hälsocenter Vaggeryds kommun"
    )
    assert props.language == "sv-SE"
    assert props.author == "" and props.last_modified_by == ""
    styles = zipfile.ZipFile(io.BytesIO(report.docx)).read("word/styles.xml").decode()
    assert 'w:lang w:val="sv-SE"' in styles


def test_special_characters_come_out_right(books):
    books.rows["Texter"] = [
        # openpyxl writes these escapes as text, as Excel does for control characters.
        ["Lokal beskrivning", 'Kultur & skapande <grupp> för "alla"_x000B_rad två'],
        ["Övrigt", "Gammal Excel_x000C_ny rad 😀 och_x0001_ kontrolltecken"],
    ]
    books.rows["Plan"][0][2] = "Bra & roligt > väntat"
    document = docx.Document(io.BytesIO(_render(books.write()).docx))
    text = _paragraphs(document)
    assert 'Kultur & skapande <grupp> för "alla"' in text
    assert "rad två" in text
    assert "Gammal Excel" in text and "ny rad 😀 och kontrolltecken" in text
    plan = _rows(_table_after(document, "Fokusområde Fysisk aktivitet"))
    assert plan[1][1] == "Bra & roligt > väntat"


def test_long_texts_are_kept_whole(books):
    long_text = " ".join(["Ett långt stycke om hälsa."] * 400)
    books.rows["Texter"] = [["Samverkan", long_text]]
    document = docx.Document(io.BytesIO(_render(books.write()).docx))
    assert long_text in _paragraphs(document)


def test_missing_sections_leave_no_empty_heading(books):
    books.rows["Texter"] = []
    text = _paragraphs(docx.Document(io.BytesIO(_render(books.write()).docx)))
    assert "Mer om verksamheten" not in text


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """The hand-counted year made different in one render: every case by FaR, three more
    cases (five of eight with a first talk), an activity and a text under Övrigt, and a
    plan of twenty rows in one focus area."""
    from tests.conftest import Workbooks

    books = Workbooks(tmp_path_factory.mktemp("variant") / "raw")
    rows = books.rows
    for row in rows["Remisser"]:
        row[2:4] = ["FaR", "Vårdcentral"]
    for number, talk in (("A8", True), ("A9", True), ("A10", False)):
        rows["Remisser"].append([number, D(2023, 8, 1), "FaR", "Vårdcentral"] + [None] * 5)
        if talk:
            rows["Samtal"].append([number, D(2023, 8, 10), "Första samtal", "Genomfört"])
    rows["Texter"] = [["Övrigt", "Vi flyttade till nya lokaler."]]
    rows["Aktiviteter"].append(["Städdag", "Övrigt", "Evenemang", None, None])
    rows["Närvaro"].append([D(2023, 4, 1), "Städdag", "P9", None, 2])
    rows["Plan"] = [["Fysisk aktivitet", f"Aktivitet {i}", None, None] for i in range(20)]
    return docx.Document(io.BytesIO(_render(books.write()).docx))


def test_the_coachs_other_text_is_not_headed_like_the_focus_area_ovrigt(variant):
    """The Texter section Övrigt gets a heading of its own, never "Övrigt": that is the
    name of a focus area, whose activities are listed just above it."""
    styled = [(p.style.name, p.text) for p in variant.paragraphs if p.text]
    at = styled.index(("Heading 2", "Mer om verksamheten"))
    assert styled[at + 1] == ("Normal", "Vi flyttade till nya lokaler.")
    assert ("Heading 3", "Övrigt") in styled[:at]  # the focus area, above its activities
    assert [t for s, t in styled if s.startswith("Heading") and t == "Övrigt"] == ["Övrigt"]


def test_one_channel_and_a_single_case_in_words(variant):
    text = _paragraphs(variant)
    assert "Under 2023 kom 8 ärenden till Hälsocenter Vaggeryds kommun, alla via FaR." in text
    year = next(t for t in text if t.startswith("Under 2023 genomförde"))
    assert year.endswith(
        "Under året tackade 1 person nej till erbjudandet, 2 samtal uteblev och 1 recept "
        "skickades tillbaka till förskrivaren."
    )


def test_a_half_per_cent_is_rounded_up_as_published(variant):
    """5 of 8 is 62,5 %: published as 63 % (Swedish statistics and Excel round halves up),
    never 62 % (Python's round-half-to-even)."""
    quality = _rows(_table_after(variant, "Hur snabbt och hur väl"))
    assert quality[2] == ["Ärenden med första samtal", "100\u00a0% (2 av 2)", "63\u00a0% (5 av 8)"]


def test_tables_break_only_where_a_reader_expects_it(variant):
    """A short table is one block; a long one may break, but its header row keeps its
    first two rows and its last row is never alone; a note below a table, and a chart's
    caption and what stands before it, keep with what follows."""

    def kept(paragraph) -> bool:
        return bool(paragraph.paragraph_format.keep_with_next)

    def rows_kept(table) -> list[bool]:
        return [all(kept(p) for c in row.cells for p in c.paragraphs) for row in table.rows]

    long_plan = _table_after(variant, "Fokusområde Fysisk aktivitet")
    assert len(long_plan.rows) == 21
    assert rows_kept(long_plan) == [True, True] + [False] * 17 + [True, False]
    short = _table_after(variant, "Kön och ålder")
    assert rows_kept(short) == [True] * (len(short.rows) - 1) + [False]
    areas = _table_after(variant, "Aktiviteter per fokusområde")
    assert all(rows_kept(areas))  # its note comes next
    captions = [p for p in variant.paragraphs if p.style.name == "Caption"]
    assert len(captions) == 2 and all(kept(c) for c in captions)
    before = [c._p.getprevious() for c in captions]  # the table above, the heading above
    assert [b.tag for b in before] == [qn("w:tbl"), qn("w:p")]
    last_row = before[0].findall(qn("w:tr"))[-1]
    assert all(
        p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in last_row.iter(qn("w:p"))
    )


def test_every_heading_like_line_has_a_heading_style(example_report):
    """The focus areas above the activity lists and the regional goals' heading are
    headings (a screen reader's heading list and the PDF's structure have them); no line
    is made a heading by bold type alone."""
    _, document = example_report
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    level3 = [t for s, t in styled if s == "Heading 3"]
    assert level3 == [
        "Fysisk aktivitet",
        "Matvanor",
        "Gemenskap, psykiskt välbefinnande och existentiell hälsa",
        "Föreläsningar",
    ]
    goals = styled.index(("Heading 2", "Hälsocenter i Jönköpings läns gemensamma mål"))
    assert styled[goals - 1] == ("Heading 1", "Verksamhetsberättelse")
    activities = styled.index(("Heading 2", "Aktiviteter under 2023"))
    assert styled[activities + 1] == ("Heading 3", "Fysisk aktivitet")
    bold_lines = [
        p.text
        for p in document.paragraphs
        if p.style.name == "Normal"
        and p.text.strip()
        and all(r.bold for r in p.runs if r.text.strip())
    ]
    assert bold_lines == []


def test_a_zero_is_never_a_number_in_running_text(books):
    """No one declined, no call was missed, no prescription returned, no own contact and no
    steering-group meeting: those clauses are left out or said in words, never "0 recept"."""
    rows = books.rows
    rows["Remisser"][2][7] = None  # A3 did not decline
    rows["Remisser"][3][8] = None  # A4's prescription was not returned
    rows["Remisser"][4][2:4] = ["FaR", "Vårdcentral"]  # A5 came by FaR, not on her own
    rows["Samtal"] = [s for s in rows["Samtal"] if s[3] != "Uteblev"]
    rows["Uppgifter"][4][1] = 0
    text = _paragraphs(docx.Document(io.BytesIO(_render(books.write()).docx)))
    assert (
        "Under 2023 kom 5 ärenden till Hälsocenter Vaggeryds kommun: 4 via FaR och 1 via "
        "annan remiss."
    ) in text
    assert "Under 2023 genomförde hälsocoachen 3 första samtal och 1 uppföljande samtal." in text
    assert "Inget av de 4 inbokade samtalen uteblev." in text
    assert (
        "Styrgruppen för Hälsocenter Vaggeryds kommun har under 2023 inte haft något möte."
    ) in text
    prose = [t for t in text if t.startswith(("Under", "Styrgruppen", "Av ", "Inget", "Hälften"))]
    assert not [t for t in prose if re.search(r"(^|\s)0\s", t)], prose


def test_small_counts_show_as_a_range(base_report):
    document = base_report.document
    demography = _rows(_table_after(document, "Kön och ålder"))
    # 2022: one woman, one man, none other. Shown as "1–4" the two would be pinned to 1
    # by the total of 2, so every count of the group is "..". No change: it would tell.
    assert ["Kön", "Kvinna", "..", "1–4", "–"] in demography
    # 2023: five ages of 1 and two of 0 behind a total of 5: all hidden as "..".
    assert ["Åldersgrupp", "18–29", "..", "..", "–"] in demography
    note = next(p.text for p in document.paragraphs if p.text.startswith("”1–4” betyder"))
    assert "”..” betyder att antalet döljs" in note


def test_empty_focus_areas_still_get_a_plan_table(base_report):
    document = base_report.document
    stress = _rows(_table_after(document, "Fokusområde Stress och återhämtning"))
    assert stress[1][0] == "Inga aktiviteter inlagda i planen."


def test_template_variable_missing_from_context_is_named(books, tmp_path):
    template = tmp_path / "mall.docx"
    shutil.copy(config.REPORT_TEMPLATE, template)
    document = docx.Document(template)
    document.add_paragraph("{{ okand_variabel }} och {{ annan_okand }}")
    document.save(template)
    with pytest.raises(TemplateProblem) as error:
        _render(books.write(), template=template)
    assert str(error.value) == (
        "Mallen mall.docx använder variabler som inte finns: annan_okand, okand_variabel."
    )


def test_table_of_contents_and_page_numbers(example_report):
    report, _ = example_report
    package = zipfile.ZipFile(io.BytesIO(report.docx))
    body = package.read("word/document.xml").decode()
    assert 'TOC \\o "1-2" \\h \\z \\u' in body
    footers = [n for n in package.namelist() if n.startswith("word/footer")]
    footer = "".join(package.read(n).decode() for n in footers)
    assert " PAGE " in footer
    assert "Hälsocenter Vaggeryds kommun – verksamhetsberättelse 2023 – sida" in footer
    # No placeholder: the field's stored result lists the sections before any update, and
    # Word is not made to ask about updating fields when the file opens.
    assert "Högerklicka" not in body and "Uppdatera fält" not in body
    settings = package.read("word/settings.xml").decode()
    assert "updateFields" not in settings and 'w:dirty="true"' not in body
    _, document = example_report
    toc = [p.text for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert toc[0] == "Inledning" and "Statistik 2023" in toc
    assert toc[-1] == "Fokusområde Föreläsningar"


def test_the_contents_list_has_every_heading_as_a_link(example_report):
    """Word shows the stored entries when the file opens: every heading of levels 1–2 in
    order (22 in the example, the plan's focus areas too), each a link to a _Toc bookmark
    on its heading, in the contents style of its level."""
    _, document = example_report
    headings = [
        (int(p.style.name[-1]), p)
        for p in document.paragraphs
        if p.style.name in ("Heading 1", "Heading 2")
    ]
    entries = [p for p in document.paragraphs if p.style.name.startswith("toc ")]
    assert len(entries) == len(headings) == 22
    for (level, heading), entry in zip(headings, entries, strict=True):
        assert entry.style.name == f"toc {level}"
        (link,) = entry._p.findall(qn("w:hyperlink"))
        anchor = link.get(qn("w:anchor"))
        assert anchor.startswith("_Toc") and entry.text == heading.text
        marks = heading._p.findall(qn("w:bookmarkStart"))
        assert [m.get(qn("w:name")) for m in marks] == [anchor]
        assert heading._p.find(qn("w:bookmarkEnd")).get(qn("w:id")) == marks[0].get(qn("w:id"))
    field = "".join(t.text for e in entries for t in e._p.iter(qn("w:instrText")))
    assert field == ' TOC \\o "1-2" \\h \\z \\u '
    kinds = [f.get(qn("w:fldCharType")) for e in entries for f in e._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]


def test_a_broken_document_is_never_handed_out(example_report):
    from pipeline.publish.ooxml import BrokenDocument, finalize_docx

    report, _ = example_report
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report.docx)) as source, zipfile.ZipFile(package, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, data[:-20] if name == "word/document.xml" else data)
    with pytest.raises(BrokenDocument, match="Word-filen blev trasig"):
        finalize_docx(package.getvalue(), "t", "s", "k", "2024-01-01T00:00:00Z")


def test_steering_group_count_when_the_coach_wrote_nothing(base_report):
    document = base_report.document
    text = _paragraphs(document)
    assert "Styrgruppen för Hälsocenter Vaggeryds kommun har under 2023 haft 3 möten." in text


def test_prose_a_person_would_have_written(example_report):
    """No sentence twice, none starting with a digit (the regional fixed text aside)."""
    import re

    _, document = example_report
    template = docx.Document(config.REPORT_TEMPLATE)
    fixed = {p.text for p in template.paragraphs if "{" not in p.text}  # the region's own text
    sentences = []
    for paragraph in document.paragraphs:
        if paragraph.text in fixed or paragraph.style.name.startswith(("Heading", "toc")):
            continue
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", paragraph.text.strip()) if s]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert repeated == set()
    assert [s for s in sentences if s[0].isdigit()] == []


def test_every_row_is_kept_whole_and_the_regional_link_is_there(example_report):
    report, document = example_report
    for table in document.tables:
        for row in table.rows:
            properties = row._tr.trPr
            assert properties is not None and properties.find(qn("w:cantSplit")) is not None
    more = next(p for p in document.paragraphs if p.text.startswith("För mer information:"))
    links = more._p.findall(qn("w:hyperlink"))
    assert len(links) == 1
    target = document.part.rels[links[0].get(qn("r:id"))].target_ref
    assert target == (
        "https://folkhalsaochsjukvard.rjl.se/folkhalsa/bakgrund/halsocenter/"
        "halsocenter-i-jonkopings-lan/"
    )


def test_a4_page_and_plan_on_a_new_page(example_report):
    _, document = example_report
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    plan = next(
        p
        for p in document.paragraphs
        if p.text.startswith("Verksamhetsplan –") and p.style.name == "Heading 1"
    )
    assert plan.paragraph_format.page_break_before
