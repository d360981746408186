"""docx → tagged PDF with an updated table of contents, run by LibreOffice's own Python.

`soffice --convert-to pdf` neither updates a table of contents nor writes a tagged
PDF. This script starts LibreOffice headless, opens the document, moves a heading
that its layout left alone at the foot of a page to the next (keep_headings_with_next),
updates its indexes (twice: the page numbers settle once the contents have their real length)
and exports with the PDF/UA-oriented options.

It runs under the Python that carries LibreOffice's `uno` module (Debian's
python3-uno; program/python.exe on Windows), never under the project's venv, so
it imports nothing from the project.

    python lo_export.py SOFFICE SOURCE.docx TARGET.pdf PROFILE_URL
"""

import contextlib
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

CONNECT_SECONDS = 60
PDF_OPTIONS = {
    "UseTaggedPDF": True,  # structure for screen readers
    "PDFUACompliance": True,  # PDF/UA: alt texts, language, title shown
    "ExportBookmarks": True,  # headings as bookmarks
    "DisplayPDFDocumentTitle": True,  # the title, not the file name, in the window
    "EmbedStandardFonts": True,
    "ExportNotes": False,
    "SelectPdfVersion": 0,
}


def _prop(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe, office):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline or office.poll() is not None:
                raise  # gave up, or LibreOffice ended without listening
            time.sleep(0.2)


def _page(cursor, text_range):
    cursor.gotoRange(text_range, False)
    return cursor.getPage()


def _start(element):
    """Where a paragraph or a table (its first cell) begins."""
    if element.supportsService("com.sun.star.text.TextTable"):
        return element.getCellByName(element.getCellNames()[0]).getText().getStart()
    return element.getStart()


def keep_headings_with_next(document, rounds=5):
    """A heading left alone at the foot of a page starts the next page instead.

    LibreOffice's layout leaves a heading (keep with next) at the foot of a page when the
    heading just fits and not one line of what follows does: a chart's paragraph is one
    tall line, so a chart's heading can end a page with its chart on the next. Each such
    heading gets a page break before it, until no heading is left alone (a break moves
    what follows, so it is looked at again). Returns the headings moved."""
    from com.sun.star.style.BreakType import PAGE_BEFORE

    cursor = document.getCurrentController().getViewCursor()
    moved = []
    for _ in range(rounds):
        elements = []
        found = document.getText().createEnumeration()
        while found.hasMoreElements():
            elements.append(found.nextElement())
        stranded = [
            here
            for here, after in zip(elements, elements[1:], strict=False)
            if here.supportsService("com.sun.star.text.Paragraph")
            and here.getPropertyValue("OutlineLevel") > 0
            and here.getString().strip()
            and _page(cursor, here.getEnd()) != _page(cursor, _start(after))
        ]
        if not stranded:
            break
        for heading in stranded:
            heading.setPropertyValue("BreakType", PAGE_BEFORE)
            moved.append(heading.getString())
    return moved


def export(soffice, source, target, profile):
    pipe = f"halsocenter{os.getpid()}"
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    desktop = None
    try:
        context = _connect(pipe, office)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, (_prop("Hidden", True),)
        )
        if document is None:
            raise RuntimeError("LibreOffice could not open the document")
        keep_headings_with_next(document)
        indexes = document.getDocumentIndexes()
        for _ in range(2):
            for number in range(indexes.getCount()):
                indexes.getByIndex(number).update()
        options = uno.Any(
            "[]com.sun.star.beans.PropertyValue",
            tuple(_prop(k, v) for k, v in PDF_OPTIONS.items()),
        )
        arguments = uno.Any(
            "[]com.sun.star.beans.PropertyValue",
            (_prop("FilterName", "writer_pdf_Export"), _prop("FilterData", options)),
        )
        uno.invoke(
            document, "storeToURL", (uno.systemPathToFileUrl(os.path.abspath(target)), arguments)
        )
        document.close(True)
    finally:
        if desktop is not None:
            # The bridge goes down with the office: that is the point.
            with contextlib.suppress(Exception):
                desktop.terminate()
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    export(*sys.argv[1:5])
