"""What the command line keeps between runs (charts, the template's variables, the contract
as parsed) gives the same bytes as doing the work again, is redone when its source
changes, and is written by the command line only: a library call writes no file."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.contract import source
from pipeline.publish import chart_style, docx_fill
from pipeline.report import charts

MONTHS = list(range(1, 13))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The user's cache folder in tmp_path, as the command line has it."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HALSOCENTER_CACHE", str(folder))
    config.command_line_run()
    yield folder
    config.command_line_run(False)


def _never(*args, **kwargs):
    raise AssertionError("done again, not taken from the cache")


def test_a_chart_is_drawn_once_and_taken_from_the_cache_byte_for_byte(cache, monkeypatch):
    chart_style.document_font()  # matplotlib's font list exists: the key can be made
    chart_style._environment.cache_clear()
    drawn = charts.monthly(2023, MONTHS, MONTHS[::-1]).png
    assert len(list((cache / "diagram").glob("*.png"))) == 1
    monkeypatch.setattr(chart_style, "_MEMO", {})  # a new run: only the folder remembers
    monkeypatch.setattr(charts, "_monthly", _never)
    assert charts.monthly(2023, MONTHS, MONTHS[::-1]).png == drawn
    with pytest.raises(AssertionError, match="done again"):  # other numbers: drawn again
        charts.monthly(2023, MONTHS, MONTHS)


def test_a_damaged_chart_in_the_cache_is_drawn_again(cache, monkeypatch):
    chart_style.document_font()
    chart_style._environment.cache_clear()
    drawn = charts.focus_hours(2023, ["Matvanor", "Övrigt"], [12.5, 3.0]).png
    (kept,) = (cache / "diagram").glob("*.png")
    kept.write_bytes(drawn[: len(drawn) // 2])
    monkeypatch.setattr(chart_style, "_MEMO", {})
    assert charts.focus_hours(2023, ["Matvanor", "Övrigt"], [12.5, 3.0]).png == drawn


def test_without_the_command_line_nothing_is_written(tmp_path, monkeypatch):
    """A library call (the core, a web worker) keeps its charts in memory only."""
    monkeypatch.setenv("HALSOCENTER_CACHE", str(tmp_path / "cache"))
    assert config.cache_folder() is None
    charts.monthly(2023, [0] * 12, MONTHS)
    source.load("remisser.yaml")
    assert not (tmp_path / "cache").exists()


def test_the_contract_is_parsed_once_per_version_of_its_file(cache, tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    shutil.copytree(config.SCHEMAS, schemas)
    monkeypatch.setattr(config, "SCHEMAS", schemas)
    parsed = yaml.safe_load((schemas / "remisser.yaml").read_text(encoding="utf-8"))
    assert source.load("remisser.yaml") == parsed
    monkeypatch.setattr(source, "parse", _never)
    assert source.load("remisser.yaml") == parsed  # from the cache
    with (schemas / "remisser.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n# en kommentar\n")
    with pytest.raises(AssertionError, match="done again"):
        source.load("remisser.yaml")


def test_the_help_reads_a_file_name_only_from_a_contract_found_whole(cache, tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    shutil.copytree(config.SCHEMAS, schemas)
    monkeypatch.setattr(config, "SCHEMAS", schemas)
    assert source.file_name("verksamhet") is None  # never built: the caller builds it
    contract.workbooks.cache_clear()
    try:
        assert contract.workbook("verksamhet").fil == "verksamhet.xlsx"
        assert source.file_name("verksamhet") == "verksamhet.xlsx"
        text = (schemas / "remisser.yaml").read_text(encoding="utf-8")
        (schemas / "remisser.yaml").write_text(text.replace("typ: datum", "typ: datumm", 1))
        assert source.file_name("verksamhet") is None  # another contract: built (and refused)
    finally:
        contract.workbooks.cache_clear()


def test_the_template_variables_are_parsed_once_per_version(cache, tmp_path, monkeypatch):
    from docxtpl import DocxTemplate

    template = tmp_path / "mall.docx"
    shutil.copy(config.REPORT_TEMPLATE, template)
    names = docx_fill.template_variables(DocxTemplate(template), template)
    assert "kommunnamn" in names
    monkeypatch.setattr(docx_fill, "_VARIABLES", {})
    monkeypatch.setattr(DocxTemplate, "get_undeclared_template_variables", _never)
    assert docx_fill.template_variables(DocxTemplate(template), template) == names
    with template.open("ab") as handle:
        handle.write(b"\0")  # another version of the file (a zip still reads it)
    monkeypatch.setattr(docx_fill, "_VARIABLES", {})
    with pytest.raises(AssertionError, match="done again"):
        docx_fill.template_variables(DocxTemplate(template), template)


def test_a_compiled_template_is_kept_and_renders_as_compiled_anew(cache, monkeypatch):
    source = "{{ namn }} har {{ antal | tal }} deltagare{% if fler %} och fler{% endif %}."
    fresh = docx_fill.jinja_environment().from_string(source)
    assert list((cache / "mallar").glob("*.code"))
    import jinja2

    monkeypatch.setattr(jinja2.Environment, "compile", _never)  # the cache, or a failure
    kept = docx_fill.jinja_environment().from_string(source)
    for context in (
        {"namn": "A & B", "antal": 1234, "fler": True},
        {"namn": "<C>", "antal": 0, "fler": False},
    ):
        assert kept.render(**context) == fresh.render(**context)


def test_the_patched_template_xml_is_kept(cache, monkeypatch):
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(config.REPORT_TEMPLATE)
    tpl.init_docx()
    xml = tpl.get_xml()
    patched = DocxTemplate.patch_xml(tpl, xml)
    docx_fill._keep_patched_xml(tpl)
    assert tpl.patch_xml(xml) == patched  # patched here, and kept
    again = DocxTemplate(config.REPORT_TEMPLATE)
    monkeypatch.setattr(DocxTemplate, "patch_xml", _never)
    docx_fill._keep_patched_xml(again)
    assert again.patch_xml(xml) == patched


HELP = """
import sys
from pipeline.cli.main import main
code = main(["--help"])
print(" ".join(sorted(sys.modules)))
"""


def test_the_help_loads_only_the_parser(tmp_path):
    """`halsocenter --help` (run twice: the first run builds the contract and keeps it)
    loads neither the contract's builder and PyYAML nor anything a command needs."""
    env = {"HALSOCENTER_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", HELP],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            cwd=config.ROOT,
        )
    loaded = set(done.stdout.split())
    assert "argparse" in loaded and "kontrollera" in done.stdout
    heavy = {
        "yaml",
        "dataclasses",
        "pandas",
        "filelock",
        "pipeline.contract.schema",
        "pipeline.publish.folder",
        "pipeline.report.job",
    }
    assert not loaded & heavy, sorted(loaded & heavy)
