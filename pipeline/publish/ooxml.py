"""Post-processing of saved Office files (.docx, .xlsx): metadata and identical bytes.

Core properties are set on the saved zip, not through docxtpl (docxtpl issue
471), and the zip is rewritten with sorted entries and a fixed timestamp so
that the same input gives the same bytes (python-docx and openpyxl stamp the
current time into the zip and into docProps/core.xml).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

FIXED_TIME = (1980, 1, 1, 0, 0, 0)

CORE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator></dc:creator>\
<cp:keywords>{keywords}</cp:keywords><dc:description></dc:description>\
<cp:lastModifiedBy></cp:lastModifiedBy><cp:revision>1</cp:revision>\
<dc:language>sv-SE</dc:language>\
<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>\
</cp:coreProperties>"""


def rewrite(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The package with some entries replaced, entries sorted and fixed zip timestamps."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, replace.get(name) or source.read(name))
    return out.getvalue()


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_dates(data: bytes, stamp: str) -> bytes:
    """The package with created/modified in docProps/core.xml set to `stamp`."""
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")
    core = _CORE_DATES.sub(lambda m: m.group(1) + stamp.encode() + m.group(3), core)
    return rewrite(data, {"docProps/core.xml": core})


def finalize_docx(data: bytes, title: str, subject: str, keywords: str, stamp: str) -> bytes:
    """The report with our core properties (Swedish, no author), byte-identical on rerun.

    `stamp` is an ISO date-time (e.g. the day after the report year).
    """
    core = CORE_XML.format(
        title=escape(title), subject=escape(subject), keywords=escape(keywords), stamp=stamp
    )
    finished = rewrite(data, {"docProps/core.xml": core.encode("utf-8")})
    _prove_well_formed(finished)
    return finished


class BrokenDocument(Exception):
    """The finished document would not open: it is never written."""


def _prove_well_formed(data: bytes) -> None:
    """Open the finished document again, as Word would, before anyone gets it."""
    import docx

    try:
        docx.Document(io.BytesIO(data))
    except Exception as error:
        raise BrokenDocument(f"Word-filen blev trasig och skrevs inte: {error}") from error
