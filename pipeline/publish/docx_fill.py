"""Filling a docxtpl Word template: shared by the report and the regional comparison.

Values are escaped (autoescape), the template's variables are checked against
the context before rendering, and errors come out in Swedish. This module reads
no workbooks, so the comparison can use it without the report's readers.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml import etree

from pipeline.publish.formatting import antal, datum, tal


class TemplateProblem(Exception):
    """The Word template does not fit the context (a missing variable, a broken tag)."""


class AltTextImage(InlineImage):
    """docxtpl's InlineImage with alt text (descr) on the picture, for screen readers."""

    def __init__(self, tpl, image_descriptor, alt_text: str, title: str, **kwargs):
        super().__init__(tpl, image_descriptor, **kwargs)
        self.alt_text, self.title = alt_text, title

    def _insert_image(self):
        xml = super()._insert_image()
        start, end = xml.index("<wp:inline"), xml.index("</wp:inline>") + len("</wp:inline>")
        inline = etree.fromstring(xml[start:end])
        ns = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
        for doc_pr in inline.findall("wp:docPr", ns):
            doc_pr.set("descr", self.alt_text)
            doc_pr.set("title", self.title)
        return xml[:start] + etree.tostring(inline, encoding="unicode") + xml[end:]


def jinja_environment() -> Environment:
    env = Environment(undefined=StrictUndefined, autoescape=True)
    env.filters.update(tal=tal, antal=antal, datum=datum)
    return env


_VARIABLES: dict[tuple[str, int, int], frozenset[str]] = {}


def template_variables(tpl: DocxTemplate, template: Path) -> frozenset[str]:
    """Every variable the template uses, parsed once per template file and version.

    Parsing the whole document takes a fifth of a second; the key (path, size,
    modification time) changes whenever the file is saved again.
    """
    stat = template.stat()
    key = (str(template.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _VARIABLES:
        _VARIABLES[key] = frozenset(
            tpl.get_undeclared_template_variables(jinja_env=jinja_environment())
        )
    return _VARIABLES[key]


def fill_template(
    tpl: DocxTemplate, template: Path, context: dict, finish: Callable | None = None
) -> bytes:
    """Render a docxtpl template: variables checked first, values escaped, errors in Swedish.

    `finish` is given the filled python-docx Document before it is saved (e.g.
    docx_layout.finish: the contents list and the page-break rules).
    """
    env = jinja_environment()
    missing = template_variables(tpl, template) - context.keys()
    if missing:
        raise TemplateProblem(
            f"Mallen {template.name} använder variabler som inte finns: "
            f"{', '.join(sorted(missing))}."
        )
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except TemplateError as error:
        raise TemplateProblem(f"Mallen {template.name} kunde inte fyllas i: {error}") from error
    if finish is not None:
        finish(tpl.docx)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()
