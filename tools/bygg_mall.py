"""Build templates/verksamhetsberattelse.docx, the Word template of the report.

The template is the source of truth: open it in Word to change wording or
styles. This script only made its first version and can make it again
(`python tools/bygg_mall.py`); it overwrites the file, so run it only when
you mean to start from the generated version.

Tags follow docxtpl: `{{ x }}` in a run, `{%p ... %}` alone in a paragraph for
paragraph-level logic, `{%tr ... %}` alone in a table row for row loops.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from pipeline.config import COMPARISON_TEMPLATE, REPORT_TEMPLATE
from pipeline.publish.ooxml import rewrite

REGIONAL_GOALS = [
    (
        "Huvuduppgiften för en hälsocoach på ett Hälsocenter i Jönköpings län är att motivera "
        "invånare till en beteendeförändring för att skapa bästa möjliga förutsättningar för hälsa "
        "och livskvalitet och utifrån samtal guida individen mot nästa steg till en bättre hälsa.",
        "arbetssatt",
    ),
    (
        "Hälsocoachen har också en koordinerande roll mellan olika parter i närsamhället. "
        "Hälsocoachen är en nära samverkanspart med vårdcentraler och kommun såväl som det lokala "
        "föreningslivet och civilsamhället.",
        "samverkan",
    ),
    (
        "Invånaren kommer till ett Hälsocenter framförallt via rekommendation från vårdcentralen, "
        "men det lokala föreningslivet och civilsamhället har också en viktig roll att rekommendera "
        "invånare med behov till ett Hälsocenter. Invånare kan även kontakta ett Hälsocenter på eget "
        "initiativ för att få stöd till att förändra sina vanor för en bättre eller bibehållen "
        "hälsa.",
        "inflode",
    ),
    (
        "Målgruppen för Hälsocenter är invånare som på grund av sin livsstil eller en eller flera "
        "levnadsvanor har risk för framtida ohälsa.",
        None,
    ),
    (
        "Hälsocentrets verksamhet leds genom en lokal styrgrupp med representation från kommun, "
        "vårdcentral(er), Folkhälsa (RJL) och invånarrepresentation.",
        "styrgrupp",
    ),
]


REGIONAL_PAGE = (
    "https://folkhalsaochsjukvard.rjl.se/folkhalsa/bakgrund/halsocenter/"
    "halsocenter-i-jonkopings-lan/"
)
# The table of contents as the .docx stores it before any update (level, title).
CONTENTS = [
    (1, "Inledning"),
    (1, "Beskrivning av verksamheten Hälsocenter"),
    (2, "Syfte och målgrupp"),
    (2, "Hälsocoachens roll"),
    (1, "Verksamhetsberättelse"),
    (1, "Beskrivning av lokalt Hälsocenter"),
    (1, "Statistik {{ ar }}"),
    (1, "Verksamhetsplan – Hälsocenter Jönköpings län"),
]


def _hyperlink(paragraph, url: str, text: str) -> None:
    """A real hyperlink (blue, underlined), as Word makes it."""
    rel = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    props.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    content = OxmlElement("w:t")
    content.text = text
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (TOC, PAGE) whose result Word computes on open or print."""

    def run_with(element):
        run = paragraph.add_run()
        run._r.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _fld_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _table_of_contents(doc, entries: list[tuple[int, str]]) -> None:
    """A TOC field whose stored result already lists the section titles.

    Word shows the stored result until the field is updated, and LibreOffice
    updates it when `make pdf` runs (with page numbers). So the .docx never shows a
    placeholder ("Högerklicka här ...").
    """
    styles = {1: _toc_style(doc, 1), 2: _toc_style(doc, 2)}
    paragraphs = [doc.add_paragraph(style=styles[level]) for level, _ in entries]
    first, last = paragraphs[0], paragraphs[-1]
    first.add_run()._r.append(_fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-2" \\h \\z \\u '
    first.add_run()._r.append(instr)
    first.add_run()._r.append(_fld_char("separate"))
    for paragraph, (_level, text) in zip(paragraphs, entries, strict=True):
        paragraph.add_run(text)
    last.add_run()._r.append(_fld_char("end"))


def _toc_style(doc, level: int):
    """Word's built-in "toc 1"/"toc 2" paragraph styles (made if the base template lacks them)."""
    name = f"toc {level}"
    if name in [s.name for s in doc.styles]:
        return doc.styles[name]
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.paragraph_format.left_indent = Cm(0.5 * (level - 1))
    style.paragraph_format.space_after = Pt(2)
    return style


def _caption(doc, text: str) -> None:
    """The chart's title as text above it (kept with it), not drawn into the picture."""
    caption = doc.add_paragraph(text, style="Caption")
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(10)


def _note(doc, text: str) -> None:
    """A note explaining the table right above it, a little apart from its last row."""
    doc.add_paragraph(text).paragraph_format.space_before = Pt(4)


def _page_footer(doc, text: str) -> None:
    """A centred footer: the text followed by the page number."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(text)
    _field(footer, "PAGE", "1")


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _full_width(table) -> None:
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    tbl_pr.append(width)


def _table(
    doc,
    headers,
    loop,
    cells,
    numeric: int = 0,
    widths: list[float] | None = None,
    keep_together: bool = False,
):
    """A full-width table with a repeated bold header row and one docxtpl row loop.

    The last `numeric` columns hold numbers and are right-aligned; `widths` in cm. Which
    rows stay together on a page is decided when the report is made (the rows are known
    then): pipeline.publish.docx_layout. `keep_together` marks the rows in the template
    instead (the comparison's table).
    """
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    _full_width(table)
    first_number = len(headers) - numeric
    for index, (cell, text) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)  # long Swedish headings stay on whole words
        if index >= first_number:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])
    table.rows[1].cells[0].text = loop
    for index, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        cell.text = ""
        cell.paragraphs[0].add_run(text).font.size = Pt(10)  # close to the 9 pt heading
        if index >= first_number:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:  # a row never splits across two pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    if keep_together:
        for row in (table.rows[0], table.rows[2]):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _breakdown_table(doc, key: str) -> None:
    """A breakdown of received cases (statistik.<key>): last year, this year, the change."""
    _table(
        doc,
        ["Uppdelning", "Kategori", "{{ ar - 1 }}", "{{ ar }}", "Förändring"],
        f"{{%tr for rad in statistik.{key} %}}",
        [
            "{{ rad.dimension }}",
            "{{ rad.kategori }}",
            "{{ rad.foregaende }}",
            "{{ rad.varde }}",
            "{{ rad.forandring }}",
        ],
        numeric=3,
        widths=[3.2, 4.8, 2.6, 2.6, 2.8],  # categories on one line ("Förening/civilsamhälle")
    )


def _texts(doc, key: str) -> None:
    doc.add_paragraph(f"{{%p for stycke in texter.{key} %}}")
    doc.add_paragraph("{{ stycke }}")
    doc.add_paragraph("{%p endfor %}")


def _language(doc) -> None:
    """Swedish as the language of every style, so Word spell-checks in Swedish."""
    styles = doc.styles.element
    doc_defaults = styles.find(qn("w:docDefaults"))
    r_pr = doc_defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in r_pr.findall(qn("w:lang")):
        r_pr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")
    lang.set(qn("w:bidi"), "ar-SA")
    r_pr.append(lang)


def _one_font(doc, font: str) -> None:
    """Every style in one font, named outright: no theme fonts (Calibri Light, Cambria).

    LibreOffice then needs only Calibri or its metric twin Carlito to set the text
    with the same line and page breaks as Word.
    """
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            if attribute.endswith("Theme"):
                del fonts.attrib[attribute]
        for side in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{side}"), font)
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    r_pr = defaults.find(qn("w:rPr"))
    if r_pr.find(qn("w:rFonts")) is None:
        fonts = OxmlElement("w:rFonts")
        for side in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{side}"), font)
        r_pr.insert(0, fonts)


def _save(doc, path: Path) -> None:
    """Saved with fixed zip timestamps: building an unchanged template gives the same bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(rewrite(buffer.getvalue(), {}))


def _new_document(title: str):
    """A blank document in Swedish with no author, Calibri 11."""
    doc = Document()
    _language(doc)
    doc.styles["Normal"].font.size = Pt(11)
    _one_font(doc, "Calibri")
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle"):
        doc.styles[name].paragraph_format.keep_with_next = True
    for section in doc.sections:  # A4 with 2,5 cm margins, as Swedish offices print
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = title
    props.language = "sv-SE"
    props.comments = ""
    props.keywords = "Hälsocenter; Region Jönköpings län"
    return doc


def build(path: Path) -> None:
    doc = _new_document("Verksamhetsberättelse och verksamhetsplan, Hälsocenter")

    _page_footer(doc, "Hälsocenter {{ kommunnamn }} – verksamhetsberättelse {{ ar }} – sida ")

    doc.add_paragraph("Verksamhetsberättelse och verksamhetsplan {{ ar }}", style="Title")
    doc.add_paragraph("Hälsocenter {{ kommunnamn }}", style="Subtitle")
    doc.add_paragraph(
        "Innehåll",
        style="TOC Heading" if "TOC Heading" in [s.name for s in doc.styles] else "Heading 1",
    )
    _table_of_contents(doc, CONTENTS)

    doc.add_heading("Inledning", level=1)
    doc.add_paragraph(
        "Detta är en verksamhetsberättelse och verksamhetsplan för Hälsocenter inom Region "
        "Jönköpings län. Den inleds med en kort beskrivning av Hälsocenter som organisation, dess "
        "syfte och målgrupp samt beskrivning av hälsocoachens roll. Verksamhetsberättelsen "
        "redogör för hälsocentrets måluppfyllelse kopplat till samverkansavtalet samt ger en "
        "beskrivning och reflektion av hälsocentrets verksamhet. Verksamhetsplanen beskriver de "
        "aktiviteter som gjorts och dess uppföljning samt vilka aktiviteter som planeras för "
        "kommande år, utifrån temaområdena fysisk aktivitet, matvanor, stress och återhämtning "
        "samt gemenskap/psykiskt välbefinnande/existentiell hälsa."
    )
    doc.add_paragraph("Dokumentet har två syften:").paragraph_format.keep_with_next = True
    doc.add_paragraph(
        "att följa upp de övergripande regionala målen som är beskrivna i "
        "samverkansavtalet för Hälsocenter",
        style="List Bullet",
    )
    doc.add_paragraph(
        "att vara ett verktyg för den lokala verksamheten i att planera och "
        "utvärdera sina aktiviteter",
        style="List Bullet",
    )

    doc.add_heading("Beskrivning av verksamheten Hälsocenter", level=1)
    doc.add_paragraph(
        "Kommunerna i Jönköpings län och Region Jönköpings län satsar gemensamt på att utveckla "
        "Hälsocenter tillsammans med civilsamhälle och föreningsliv. Hälsocenter är en lokal "
        "samverkansmodell för kommuner, vårdcentraler och ideell sektor."
    )
    doc.add_paragraph(
        "Hälsocenter ska vara ett väl känt preventivt hälsonav där kommunens invånare kan få stöd "
        "att förändra sina levnadsvanor för en bättre, eller bibehållen hälsa. Hälsocenter ska "
        "stödja och skapa goda förutsättningar för en långsiktig och hållbar hälsosam och aktiv "
        "livsstil för invånare i kommunen."
    )
    doc.add_heading("Syfte och målgrupp", level=2)
    doc.add_paragraph(
        "Syftet med Hälsocenter är att genom ett hälsofrämjande och förebyggande arbetssätt ge "
        "stöd till att förbättra invånarens fysiska, psykiska, sociala och existentiella hälsa."
    )
    doc.add_paragraph(
        "Målgruppen för Hälsocenter är invånare som på grund av sin livsstil eller en eller flera "
        "levnadsvanor har risk för framtida ohälsa. Den vuxna befolkningen utgör huvudmålgruppen "
        "för Hälsocenter, men andra åldersgrupper kan inkluderas utifrån lokala behov."
    )
    doc.add_heading("Hälsocoachens roll", level=2)
    doc.add_paragraph(
        "Hälsocoachen tar emot och stöttar invånare som kommit till Hälsocenter. Hälsocoachen "
        "ansvarar för inledande- och uppföljande samtal på individnivå. Tillsammans med invånaren "
        "förs vid behov coachande samtal om mål, stegen framåt och uppföljning. Hälsocoachen håller "
        "i grupper inom olika ämnesområden samt anpassad aktivitet på både individ- och gruppnivå. "
        "En viktig uppgift är också att fungera som brygga till befintligt förenings- eller "
        "näringsliv för fortsatt aktivitet och socialt sammanhang."
    )
    more = doc.add_paragraph("För mer information: ")
    _hyperlink(
        more, REGIONAL_PAGE, "Konceptet Hälsocenter i Jönköpings län – Folkhälsa och sjukvård"
    )

    doc.add_heading("Verksamhetsberättelse", level=1)
    doc.add_heading("Hälsocenter i Jönköpings läns gemensamma mål", level=2)
    doc.add_paragraph(
        "Parterna ska i Hälsocenter samverka för att nå invånare som på grund av sin livsstil "
        "eller en eller flera levnadsvanor har risk för framtida ohälsa och genom ett "
        "hälsofrämjande och förebyggande arbetssätt ge stöd till att förbättra invånarens fysiska, "
        "psykiska, sociala och existentiella hälsa."
    )
    doc.add_paragraph("Målet uppnås genom Hälsocenters och hälsocoachernas arbete:")
    for goal, key in REGIONAL_GOALS:
        doc.add_paragraph(goal, style="List Bullet")
        if key == "inflode":
            doc.add_paragraph("{{ inflode }}")
        if key == "styrgrupp":
            # The count, said where the coach has not written about the steering group.
            doc.add_paragraph("{%p if styrgrupp %}")
            doc.add_paragraph("{{ styrgrupp }}")
            doc.add_paragraph("{%p endif %}")
        if key:
            _texts(doc, key)

    doc.add_heading("Beskrivning av lokalt Hälsocenter", level=1)
    doc.add_paragraph("{%p if sedan_start.arenden is not none %}")
    doc.add_paragraph(
        "Hälsocenter {{ kommunnamn }} tog emot sin första klient den {{ startdatum|datum }}. "
        "Sedan dess har det kommit {{ sedan_start.arenden|antal('ärende', 'ärenden') }}"
        "{% if sedan_start.far %}, varav {{ sedan_start.far|tal }} FaR{% endif %}"
        "{% if sedan_start.forsta_samtal %}, och det har genomförts "
        "{{ sedan_start.forsta_samtal|antal('första samtal', 'första samtal') }}{% endif %}."
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph(
        "Hälsocenter {{ kommunnamn }} tog emot sin första klient den {{ startdatum|datum }}. "
        "Hur många ärenden som har kommit sedan dess redovisas inte, eftersom uppgifter saknas "
        "för {{ saknade_ar }}."
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ aret }}")
    _texts(doc, "lokal_beskrivning")
    doc.add_paragraph("{%p if aktiviteter %}")
    doc.add_heading("Aktiviteter under {{ ar }}", level=2)
    doc.add_paragraph("{%p for omrade in aktiviteter %}")
    doc.add_heading("{{ omrade.namn }}", level=3)
    doc.add_paragraph("{%p for akt in omrade.aktiviteter %}")
    doc.add_paragraph(
        "{{ akt.aktivitet }}: "
        "{% if akt.unika_deltagare is not none %}{{ akt.unika_deltagare|antal('unik deltagare', "
        "'unika deltagare') }}{% else %}{{ akt.deltagartillfallen|antal('deltagare', "
        "'deltagare') }}{% endif %} vid {{ akt.tillfallen|antal('tillfälle', 'tillfällen') }}, "
        "sammanlagt {{ akt.deltagartimmar|tal }} deltagartimmar.",
        style="List Bullet",
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if texter.ovrigt %}")
    doc.add_heading("Mer om verksamheten", level=2)  # not "Övrigt": a focus area has that name
    doc.add_paragraph("{%p endif %}")
    _texts(doc, "ovrigt")

    doc.add_heading("Statistik {{ ar }}", level=1)
    _texts(doc, "statistik")
    doc.add_heading("Inflöde och samtal", level=2)
    _table(
        doc,
        ["Nyckeltal", "{{ ar - 1 }}", "{{ ar }}", "Förändring", "Sedan start"],
        "{%tr for rad in statistik.samtal %}",
        [
            "{{ rad.namn }}",
            "{{ rad.foregaende }}",
            "{{ rad.varde }}",
            "{{ rad.forandring }}",
            "{{ rad.sedan_start }}",
        ],
        numeric=4,
        widths=[5.0, 2.2, 2.2, 3.0, 2.6],
    )
    _caption(doc, "Inkomna ärenden och genomförda första samtal per månad {{ ar }}")
    doc.add_paragraph("{{ diagram.manad }}")
    doc.add_heading("Hur snabbt och hur väl", level=2)
    doc.add_paragraph("{%p for mening in kvalitet.meningar %}")
    doc.add_paragraph("{{ mening }}").paragraph_format.keep_with_next = True  # with the table
    doc.add_paragraph("{%p endfor %}")
    _table(
        doc,
        ["Mått", "{{ ar - 1 }}", "{{ ar }}"],
        "{%tr for rad in kvalitet.rader %}",
        ["{{ rad.namn }}", "{{ rad.foregaende }}", "{{ rad.varde }}"],
        numeric=2,
        widths=[6.5, 4.25, 4.25],
    )
    doc.add_paragraph("{%p if kvalitet.not %}")
    _note(doc, "{{ kvalitet.not }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Inkomna ärenden per kanal och remittent", level=2)
    _breakdown_table(doc, "inflode")
    doc.add_heading("Kön och ålder", level=2)
    doc.add_paragraph("{%p if statistik.undertryckt %}")
    doc.add_paragraph("{{ statistik.undertryck_not }}").paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p endif %}")
    _breakdown_table(doc, "demografi")
    doc.add_heading("Aktiviteter per fokusområde", level=2)
    # The chart first, the table with its note after it: the two halves can take a page each.
    _caption(doc, "Deltagartimmar per fokusområde {{ ar }}")
    doc.add_paragraph("{{ diagram.fokusomraden }}")
    _table(
        doc,
        [
            "Fokusområde",
            "Aktiviteter",
            "Tillfällen",
            "Unika deltagare",
            "Deltagartillfällen",
            "Deltagartimmar",
        ],
        "{%tr for rad in statistik.fokusomraden %}",
        [
            "{{ rad.namn }}",
            "{{ rad.aktiviteter }}",
            "{{ rad.tillfallen }}",
            "{{ rad.unika_deltagare }}",
            "{{ rad.deltagartillfallen }}",
            "{{ rad.deltagartimmar }}",
        ],
        numeric=5,
        widths=[4.3, 1.9, 1.7, 2.5, 2.9, 2.7],
    )
    doc.add_paragraph("{%p if statistik.okanda_deltagare %}")
    _note(
        doc,
        "”–” under Unika deltagare betyder att antalet inte är känt: de tillfällena räknades "
        "bara i antal deltagare (till exempel åhörare på en föreläsning), inte per person.",
    )
    doc.add_paragraph("{%p endif %}")

    plan = doc.add_heading("Verksamhetsplan – Hälsocenter Jönköpings län", level=1)
    plan.paragraph_format.page_break_before = True
    doc.add_paragraph(
        "En plan som beskriver vilka aktiviteter som ska genomföras kommande år, uppdelat i ett "
        "fokusområde per målsättning. Ytterligare fokusområden kan finnas."
    )
    doc.add_paragraph("{%p for omrade in plan %}")
    doc.add_heading("Fokusområde {{ omrade.namn }}", level=2)
    _table(
        doc,
        [
            "Aktivitet – vad ska göras? (planering för aktuellt år)",
            "Uppföljning – hur blev det? (fylls i samband med verksamhetsberättelse)",
            "Framtidsplan – hur jobbar vi vidare?",
        ],
        "{%tr for rad in omrade.rader %}",
        ["{{ rad.aktivitet }}", "{{ rad.uppfoljning }}", "{{ rad.framtidsplan }}"],
    )
    doc.add_paragraph("{%p endfor %}")

    _save(doc, path)


def build_comparison(path: Path) -> None:
    """The template of the regional comparison report (make compare)."""
    from pipeline.contract.comparison import measures

    count = len(measures())
    doc = _new_document("Hälsocenter i Jönköpings län – jämförelse")
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    _page_footer(doc, "Hälsocenter i Jönköpings län – jämförelse {{ ar }} – sida ")
    doc.add_paragraph("Hälsocenter i Jönköpings län – jämförelse {{ ar }}", style="Title")
    doc.add_paragraph(
        "Jämförelsen bygger på nyckeltalsfilerna (nyckeltal.csv) från länets Hälsocenter. Den "
        "omfattar {{ antal_med_fil }} av {{ antal_kommuner }} kommuner för {{ ar }}."
    )
    doc.add_paragraph("{%p if utan_fil %}")
    doc.add_paragraph("Kommuner utan nyckeltal för {{ ar }}: {{ utan_fil|join(', ') }}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if filer %}")
    doc.add_paragraph("Om filerna:")
    doc.add_paragraph("{%p for f in filer %}")
    doc.add_paragraph("{{ f }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Måtten {{ ar }}", level=1)
    doc.add_paragraph("{%p if malvarden %}")
    doc.add_paragraph(
        "Regionens målvärden: {%for m in malvarden %}{{ m.matt }} {{ m.mal }}{% if not loop.last %}; {% endif %}{% endfor %}. "
        "Under varje värde står om kommunen har nått målet (uppnått), är inom 10 % av det (nära) "
        "eller inte (ej uppnått)."
    )
    doc.add_paragraph("{%p endif %}")
    table = _table(
        doc,
        ["Kommun", *[f"{{{{ rubriker[{i}] }}}}" for i in range(count)]],
        "{%tr for rad in tabell %}",
        ["{{ rad.kommun }}", *[f"{{{{r rad.celler[{i}] }}}}" for i in range(count)]],
        numeric=count,
        widths=[3.0] + [14.0 / count] * count,
        keep_together=True,
    )
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(8)
    for run in table.rows[2].cells[0].paragraphs[0].runs:
        run.font.size = Pt(8.5)
    doc.add_paragraph(
        "Per 1 000 invånare och andelar i procent, så att kommuner av olika storlek kan "
        "jämföras. ”..” betyder att värdet är dolt för att skydda enskilda; det är aldrig 0. "
        "”–” betyder att uppgiften saknas (till exempel en fil från en äldre version av "
        "programmet). Summaraden säger vilka kommuner den täcker och visar kvoten av deras "
        "summor; en median summeras inte. Ovägt medel är medelvärdet av kommunernas värden, där "
        "varje kommun väger lika. Måtten definieras sist i rapporten."
    )
    doc.add_heading("Kommunerna jämförda", level=1)
    doc.add_paragraph("{%p for d in diagram %}")
    doc.add_heading("{{ d.rubrik }}", level=2)
    picture = doc.add_paragraph("{{ d.bild }}")
    picture.paragraph_format.keep_with_next = True
    doc.add_paragraph("{{ d.text }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if trender %}")
    doc.add_heading("Utveckling över åren", level=1)
    intro = doc.add_paragraph(
        "Åren i jämförelsen: {{ ar_lista }}. En ruta per kommun; den streckade linjen är "
        "kommunerna med fil tillsammans."
    )
    intro.paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p for t in trender %}")
    doc.add_heading("{{ t.rubrik }}", level=2)
    doc.add_paragraph("{{ t.bild }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Måttens definitioner", level=1)
    doc.add_paragraph("{%p for m in definitioner %}")
    doc.add_paragraph("{{ m.rubrik }} ({{ m.id }}): {{ m.definition }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    _save(doc, path)


if __name__ == "__main__":
    build(REPORT_TEMPLATE)
    print(f"Skrev {REPORT_TEMPLATE}")
    build_comparison(COMPARISON_TEMPLATE)
    print(f"Skrev {COMPARISON_TEMPLATE}")
