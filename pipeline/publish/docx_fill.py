"""Filling a docxtpl Word template: shared by the report and the regional comparison.

Values are escaped (autoescape), the template's variables are checked against
the context before rendering, and errors come out in Swedish. This module reads
no workbooks, so the comparison can use it without the report's readers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml import etree

from pipeline import config
from pipeline.publish.formatting import antal, datum, number


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


class _Environment(Environment):
    """jinja2's environment, whose compiled templates the command line keeps between runs
    in its cache folder: a Word template's XML takes some 20 ms to compile, every run."""

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        folder = config.cache_folder()
        if folder is None or not isinstance(source, str) or raw or defer_init or name or filename:
            return super().compile(source, name, filename, raw, defer_init)
        import hashlib
        import marshal
        import sys

        import jinja2

        digest = hashlib.sha256(source.encode("utf-8", "surrogatepass"))
        settings = (jinja2.__version__, sys.version, self.autoescape, self.undefined.__name__)
        digest.update(repr((settings, sorted(self.filters))).encode())
        path = folder / "mallar" / f"{digest.hexdigest()}.code"
        try:
            return marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            code = super().compile(source)
            config.keep_cached(path, marshal.dumps(code))
            return code


def jinja_environment() -> Environment:
    env = _Environment(undefined=StrictUndefined, autoescape=True)
    env.filters.update(tal=number, antal=antal, datum=datum)  # `tal`: the templates' name
    return env


_VARIABLES: dict[tuple[str, int, int], frozenset[str]] = {}


def template_variables(tpl: DocxTemplate, template: Path) -> frozenset[str]:
    """Every variable the template uses, parsed once per template file and version.

    Parsing the whole document takes a fifth of a second. In a process the key is (path,
    size, modification time), which changes whenever the file is saved again; between
    runs of the command line the names are kept in the user's cache folder under the
    template's SHA-256 and the versions of docxtpl and jinja2 that parsed it.
    """
    stat = template.stat()
    key = (str(template.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _VARIABLES:
        path = _cache_path(template)
        found = _read_names(path) if path is not None else None
        if found is None:
            found = frozenset(tpl.get_undeclared_template_variables(jinja_env=jinja_environment()))
            if path is not None:
                config.keep_cached(path, json.dumps(sorted(found)).encode())
        _VARIABLES[key] = found
    return _VARIABLES[key]


def _cache_path(template: Path) -> Path | None:
    folder = config.cache_folder()
    if folder is None:
        return None
    import hashlib

    import docxtpl
    import jinja2

    digest = hashlib.sha256(template.read_bytes())
    digest.update(f"docxtpl {docxtpl.__version__} jinja2 {jinja2.__version__}".encode())
    return folder / "mallar" / f"{digest.hexdigest()}.json"


def _read_names(path: Path) -> frozenset[str] | None:
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    return frozenset(names)


def _keep_patched_xml(tpl: DocxTemplate) -> None:
    """docxtpl rewrites the template's XML with some forty regular expressions before each
    render (patch_xml, a function of the XML alone): the command line keeps the result in
    its cache folder, under the XML's SHA-256 and docxtpl's version."""
    folder = config.cache_folder()
    if folder is None:
        return
    import hashlib

    import docxtpl

    patch = tpl.patch_xml

    def patched(src_xml: str) -> str:
        digest = hashlib.sha256(f"docxtpl {docxtpl.__version__}\n".encode())
        digest.update(src_xml.encode("utf-8", "surrogatepass"))
        path = folder / "mallar" / f"{digest.hexdigest()}.xml"
        try:
            return path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            result = patch(src_xml)
            config.keep_cached(path, result.encode("utf-8"))
            return result

    tpl.patch_xml = patched


def fill_template(
    tpl: DocxTemplate, template: Path, context: dict, finish: Callable | None = None
) -> bytes:
    """Render a docxtpl template: variables checked first, values escaped, errors in Swedish.

    `finish` is given the filled python-docx Document before it is saved (e.g.
    docx_layout.finish: the contents list and the page-break rules).
    """
    env = jinja_environment()
    _keep_patched_xml(tpl)
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
