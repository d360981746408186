"""The Word templates are the source: their tags are checked against the context."""

from __future__ import annotations

from docxtpl import DocxTemplate

from pipeline import config
from pipeline.figures import aggregate
from pipeline.report.render import build_context, jinja_environment
from pipeline.validation.validate import validate
from tests.conftest import TODAY


def test_report_template_tags_match_the_context():
    dataset = validate(config.EXAMPLE, today=TODAY).dataset
    figures = aggregate.compute(dataset)
    context = build_context(dataset, figures, aggregate.previous_year(dataset), 5)
    context["diagram"] = {}  # the images are added at render time
    template = DocxTemplate(config.REPORT_TEMPLATE)
    used = template.get_undeclared_template_variables(jinja_env=jinja_environment())
    assert used - set(context) == set()  # no tag without a value
    assert set(context) - used == set()  # no value nobody shows
