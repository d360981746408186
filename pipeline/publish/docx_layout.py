"""What a filled Word document needs once its rows and headings are known: a contents list
with every heading, and page-break rules that read like a designed document.

Both are decided after the template is filled, because only then is it known how many
rows a table has and which headings there are (a loop makes one per focus area).

- Contents: the TOC field's stored result is rewritten to list every heading in its
  levels (`TOC \\o "1-2"`), each entry a link to a `_Toc` bookmark on its heading, as Word
  writes them. Word shows these entries when the file opens; the page numbers come when
  the field is updated (in Word, or by LibreOffice when the PDF is made).
- Keeping together: a short table stays on one page; a long one may break, but its
  header row stays with its first rows and its last row is never alone; a chart stays
  with its caption and with what comes before it, so it never stands alone on a page.
  Headings keep with what follows through their styles.
"""

from __future__ import annotations

import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

SHORT_TABLE_ROWS = 15  # header included: kept on one page (a third of an A4 page at 10 pt)
FIRST_ROWS = 2  # a long table's header stays with this many rows
BOOKMARK_FIRST = 100_000_000  # _Toc100000000, _Toc100000001, … (Word's are random numbers)
_LEVELS = re.compile(r'\\o\s+"(\d)-(\d)"')


def finish(document) -> None:
    """Contents list and keep rules, on a python-docx Document (e.g. docxtpl's after render)."""
    body = document.element.body
    fill_contents(document)
    keep_tables(body)
    keep_charts(body)


# --- keeping together -------------------------------------------------------------------


def _keep_with_next(paragraph, keep: bool) -> None:
    paragraph.get_or_add_pPr().keepNext_val = True if keep else None


def _keep_element(element, keep: bool = True) -> None:
    """Keep a paragraph, or a table's last row, with what follows."""
    if element.tag == qn("w:p"):
        _keep_with_next(element, keep)
    elif element.tag == qn("w:tbl"):
        rows = element.findall(qn("w:tr"))
        for paragraph in rows[-1].iter(qn("w:p")):
            _keep_with_next(paragraph, keep)


def kept_rows(count: int) -> set[int]:
    """Which rows (0 is the header) keep with the next row."""
    if count <= SHORT_TABLE_ROWS:
        return set(range(count - 1))  # all but the last: the table is one block
    return set(range(FIRST_ROWS)) | {count - 2}  # header with its first rows; no lone last row


def keep_tables(body) -> None:
    """Every top-level table: short ones whole, long ones breakable between their ends; a
    note right below a table (text, not a heading) stays with the table's last row."""
    for table in body.iterchildren(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        keep = kept_rows(len(rows))
        for index, row in enumerate(rows):
            for paragraph in row.iter(qn("w:p")):
                _keep_with_next(paragraph, index in keep)
        after = table.getnext()
        if after is not None and _is_note(after):
            _keep_element(table)


def _style(element) -> str:
    style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return "" if style is None else style.get(qn("w:val"))


def _is_note(element) -> bool:
    """A paragraph of text in a body style (not a heading, a caption or an empty one)."""
    if element.tag != qn("w:p") or not _text(element).strip():
        return False
    return not re.match(r"(?i)(heading|caption|title|toc)", _style(element))


def _is_caption(element) -> bool:
    return element.tag == qn("w:p") and _style(element) == "Caption"


def keep_charts(body) -> None:
    """A chart keeps with its caption (the template says so) and the caption with what
    comes before it: a chart never begins a page alone."""
    for picture in body.iterchildren(qn("w:p")):
        if picture.find(f".//{qn('w:drawing')}") is None:
            continue
        before = picture.getprevious()
        if before is not None and _is_caption(before):
            _keep_element(before)
            before = before.getprevious()
        if before is not None and before.tag in (qn("w:p"), qn("w:tbl")):
            _keep_element(before)


# --- the contents list ------------------------------------------------------------------


def _field_instruction(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:instrText")))


def _contents_paragraphs(body) -> list:
    """The paragraphs holding the TOC field's result, from its begin to its end; [] if none."""
    paragraphs = list(body.iterchildren(qn("w:p")))
    start = next(
        (i for i, p in enumerate(paragraphs) if "TOC" in _field_instruction(p).split()), None
    )
    if start is None:
        return []
    for end in range(start, len(paragraphs)):
        kinds = [f.get(qn("w:fldCharType")) for f in paragraphs[end].iter(qn("w:fldChar"))]
        if "end" in kinds and (end > start or kinds.count("end") >= kinds.count("begin")):
            return paragraphs[start : end + 1]
    return []


def _heading_level(document, paragraph) -> int | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if style is None:
        return None
    name = document.styles.element.get_by_id(style.get(qn("w:val")))
    name = name.name_val if name is not None else ""
    match = re.fullmatch(r"[Hh]eading (\d)", name or "")
    return int(match.group(1)) if match else None


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _bookmark(paragraph, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    p_pr = paragraph.find(qn("w:pPr"))
    if p_pr is not None:
        p_pr.addnext(start)
    else:
        paragraph.insert(0, start)
    paragraph.append(end)


def _run(*children, text: str | None = None):
    run = OxmlElement("w:r")
    for child in children:
        run.append(child)
    if text is not None:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
    return run


def _fld_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _instruction(text: str):
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    return element


def _entry(style_id: str, text: str, anchor: str):
    """One contents line: a link to the heading's bookmark (the page number comes on update)."""
    paragraph = OxmlElement("w:p")
    p_pr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), style_id)
    p_pr.append(style)
    paragraph.append(p_pr)
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    link.append(_run(text=text))
    paragraph.append(link)
    return paragraph


def _toc_style_id(document, level: int) -> str:
    """The style id of Word's built-in "toc N" (TOC1, or toc1 as python-docx names it)."""
    for style in document.styles.element.iterchildren(qn("w:style")):
        if (style.name_val or "").casefold() == f"toc {level}":
            return style.get(qn("w:styleId"))
    return f"TOC{level}"


def fill_contents(document) -> int:
    """Rewrite the TOC field's stored result to list every heading of its levels; the
    number of entries (0 when the document has no contents list)."""
    body = document.element.body
    old = _contents_paragraphs(body)
    if not old:
        return 0
    instruction = _field_instruction(old[0])
    match = _LEVELS.search(instruction)
    low, high = (int(match.group(1)), int(match.group(2))) if match else (1, 3)
    after = old[-1]
    headings = []
    for paragraph in after.itersiblings(qn("w:p")):
        level = _heading_level(document, paragraph)
        if level is not None and low <= level <= high and _text(paragraph).strip():
            headings.append((level, paragraph))
    numbers = [int(b.get(qn("w:id"))) for b in body.iter(qn("w:bookmarkStart"))]
    next_id = max(numbers, default=0) + 1
    entries = []
    style_ids: dict[int, str] = {}  # looked up once per level: the styles are many
    for index, (level, heading) in enumerate(headings):
        anchor = f"_Toc{BOOKMARK_FIRST + index}"
        _bookmark(heading, anchor, next_id + index)
        if level not in style_ids:
            style_ids[level] = _toc_style_id(document, level)
        entries.append(_entry(style_ids[level], _text(heading).strip(), anchor))
    if not entries:
        return 0
    first, last = entries[0], entries[-1]
    begin = [
        _run(_fld_char("begin")),
        _run(_instruction(instruction)),
        _run(_fld_char("separate")),
    ]
    for run in reversed(begin):
        first.find(qn("w:pPr")).addnext(run)
    last.append(_run(_fld_char("end")))
    for entry in entries:
        old[0].addprevious(entry)
    for paragraph in old:
        body.remove(paragraph)
    return len(entries)
