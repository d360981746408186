"""Post-processing of the saved .docx: metadata, alt text, byte-identical output.

Core properties are set on the saved zip, not through docxtpl (docxtpl issue
471), and the zip is rewritten with sorted entries and a fixed timestamp so
that the same input gives the same bytes.
"""

from __future__ import annotations

import io
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


def finalize(data: bytes, title: str, subject: str, keywords: str, stamp: str) -> bytes:
    """The document with our core properties, sorted entries and fixed zip timestamps.

    `stamp` is an ISO date-time (e.g. the day after the report year) so that
    reruns give identical bytes.
    """
    core = CORE_XML.format(
        title=escape(title), subject=escape(subject), keywords=escape(keywords), stamp=stamp
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            content = core.encode("utf-8") if name == "docProps/core.xml" else source.read(name)
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()
