"""The region's pages: the county's live view, the comparison's files, a file that came by
e-mail, and the audit log. Regional staff only: anyone else gets 403 (a coach) or the
login page (logged out). Thin: the values come from pipeline.web.region, their text
from pipeline.web.region_page."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from pipeline.comparison.job import ComparisonNames
from pipeline.comparison.reading import NoFigures
from pipeline.comparison.table import Kind
from pipeline.contract import schema as contract
from pipeline.contract.comparison import SMALL_BASE, measures
from pipeline.publish import county_map
from pipeline.web import region, region_page, services
from pipeline.web.models import AuditLog, OutputFile, Submission
from pipeline.web.region_forms import ChooseForm, EmailedFileForm
from pipeline.web.views import error_list

DOWNLOAD_NAME = re.compile(r"jamforelse-(?P<ar>\d{4})\.(?:xlsx|docx|csv|datapackage\.json)")
DOWNLOADS = (
    ("workbook", "Arbetsboken i Excel: alla mått, antal och andelar, trend och filerna"),
    ("document", "Rapporten i Word: tabellen, ett diagram per mått och definitionerna"),
    ("long_csv", "Måtten i långt format, en rad per kommun och mått (för andra program)"),
    ("descriptor", "En beskrivning av csv-filen (Data Package)"),
)


def region_only(request) -> None:
    if not services.is_region(request.user):
        raise PermissionDenied


def _year_submissions(stored: region.Stored, year: int | None) -> list[tuple]:
    """The 13 municipalities with the submission the region sees for the year (or None)."""
    ids = {kod: pk for (kod, y), pk in stored.ids.items() if y == year}
    found = (
        Submission.objects.filter(pk__in=ids.values())
        .select_related("sent_by")
        .prefetch_related(Prefetch("outputs", queryset=OutputFile.objects.defer("content")))
    )
    by_kod = {s.kommunkod: s for s in found}
    return [(k, by_kod.get(k.kod)) for k in contract.kommuner()]


def _page(request, email_form: EmailedFileForm, status: int = 200):
    stored = region.Stored.now()
    measured = stored.measured() if stored.ids else None
    comparison = measured.comparison if measured else None
    table = measured.table if measured else None
    with_figures = [
        y for y in (table.years if table else ()) if region_page.has_figures(table, comparison, y)
    ]
    default_year = (with_figures or stored.years or [None])[-1]
    default_matt = measures()[0].id
    asked = ChooseForm(request.GET, stored.years)
    asked.is_valid()
    year = asked.cleaned_data.get("ar") or default_year
    matt = asked.cleaned_data.get("matt") or default_matt
    errors = error_list(asked, "id_ar")
    if email_form.is_bound:
        errors += error_list(email_form, "id_kommun")
    choose = ChooseForm({"ar": year or "", "matt": matt}, stored.years)

    submissions = _year_submissions(stored, year) if year else []
    infos = region_page.measure_infos(comparison)
    info = next(i for i in infos if i.id == matt)
    context = {
        "stored": stored,
        "year": year,
        "matt": matt,
        "info": info,
        "infos": infos,
        "choose": choose,
        "form": email_form,
        "errors": errors,
        "kommuner": contract.kommuner(),
        "with_figures": with_figures,
        "has_figures": year is not None and region_page.has_figures(table, comparison, year),
        # the year's submissions, when there is one (else the list would say none 13 times)
        "submissions": submissions if any(s for _, s in submissions) else [],
        "problem_files": [f.line() for f in comparison.fates if f.problem] if comparison else [],
        "target_problems": comparison.target_problems if comparison else [],
        "source": county_map.source_text(),
        "small_base": SMALL_BASE,
    }
    if context["has_figures"]:
        series = table.get(matt)
        names = ComparisonNames(year)
        context.update(
            {
                "overview": region_page.overview(table, comparison, year),
                "detail": region_page.detail(table, comparison, series, year),
                "map": region_page.map_svg(table, comparison, series, year),
                "trend": region_page.trend(table, comparison, series, year),
                "downloads": [(getattr(names, attribute), text) for attribute, text in DOWNLOADS],
                "measure_count": len(table.of_kind(Kind.MEASURE)),
            }
        )
    elif year is not None and comparison is not None:
        states = [(k.namn, comparison.state(k.kod, year)) for k in contract.kommuner()]
        if any(state != NoFigures.NO_FILE for _, state in states):  # else one sentence says it
            context["states"] = [(namn, region.STATE_TEXT[state]) for namn, state in states]
    response = render(request, "portal/region/region.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def overview(request):
    """`/region/`: all 13 municipalities for one year (`?ar=`), one measure on the map
    (`?matt=`), the trend, the comparison's files and the form for an e-mailed file."""
    region_only(request)
    return _page(request, EmailedFileForm())


@login_required
@require_POST
def emailed_file(request):
    """The form for a key-figure file that came by e-mail: stored, or the page again with
    what is wrong (the comparison's own line for a file make compare would not use)."""
    region_only(request)
    form = EmailedFileForm(request.POST, request.FILES)
    if form.is_valid():
        outcome = region.add_emailed_file(
            user=request.user,
            kommunkod=form.cleaned_data["kommun"],
            name=form.name(),
            data=form.data_bytes(),
            replace=form.cleaned_data["ersatt"],
        )
        if not outcome.problem:
            if outcome.submission is not None:
                region.refresh()
            year = outcome.pair[1]
            messages.success(request, _done_text(form.name(), outcome))
            return redirect(f"{reverse('portal:region')}?ar={year}")
        form.add_error(outcome.field, outcome.problem)
    return _page(request, form)


def _done_text(name: str, outcome: region.Emailed) -> str:
    what = region.reading.pair_text(outcome.pair)
    read = ""
    if outcome.notes:
        read = f" Filen lästes som originalet trots {' och '.join(outcome.notes)}."
    if outcome.copy_of is not None:
        return (
            f"{name} har samma nyckeltal för {what} som regionen redan ser "
            f"({region._who(outcome.copy_of)}). Inget nytt sparades."
        )
    replaced = ""
    if outcome.replaced is not None:
        replaced = f" De ersätter nyckeltalen {region._who(outcome.replaced)}."
    return (
        f"Nyckeltalen för {what} från {name} är tillagda, markerade som komna med e-post."
        f"{replaced}{read}"
    )


@login_required
@require_GET
def comparison_file(request, filnamn: str):
    """One of the comparison's files for a year with figures (else 404); logged."""
    region_only(request)
    found = DOWNLOAD_NAME.fullmatch(filnamn)
    if not found:
        raise Http404
    stored = region.Stored.now()
    data = stored.outputs(int(found["ar"])).get(filnamn) if stored.ids else None
    if data is None:
        raise Http404
    services.log(request.user, AuditLog.DOWNLOADED, None, filnamn)
    suffix = ".json" if filnamn.endswith(".json") else filnamn[filnamn.rindex(".") :]
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[suffix])
    response["Content-Disposition"] = content_disposition_header(True, filnamn)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def audit_log(request):
    """The audit log for regional staff: the latest 200 events."""
    region_only(request)
    events = AuditLog.objects.select_related("submission")[:200]
    return render(request, "portal/logg.html", {"events": events})
