"""The portal's pages. Thin: each view checks who asks, calls pipeline.web.services and
renders a template. A coach sees only their own municipality: every other
municipality's page or file answers 404, as if it did not exist."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from pipeline import config
from pipeline.web import region, services
from pipeline.web.forms import LoginForm, UploadForm
from pipeline.web.models import AuditLog, kommun_name
from pipeline.web.privacy import MAX_FILE_MB

LOCKED_OUT = (
    "För många misslyckade inloggningar i rad för det här användarnamnet. Kontot är spärrat "
    "i 30 minuter. Vänta och försök igen, eller kontakta regionen om du har glömt lösenordet."
)


def role(request) -> dict:
    """Template context: the user's role, for the header."""
    user = getattr(request, "user", None)
    return {"profile": services.profile_of(user) if user else None}


def home_url(user) -> str:
    """Where a user lands after login: their municipality's page, or /region/."""
    if services.is_region(user):
        return reverse("portal:region")
    kod = services.coach_kommun(user)
    if kod:
        return reverse("portal:kommun", args=[kod])
    return reverse("portal:start")


def error_list(form, first_field: str) -> list[tuple[str, str]]:
    """The form's errors as (message, id of the field it is about), for the error summary;
    an error about the whole form points at its first field."""
    found = [(str(message), first_field) for message in form.non_field_errors()]
    for name in form.fields:
        for message in form.errors.get(name, []):
            found.append((str(message), form[name].id_for_label or first_field))
    return found


class Login(auth_views.LoginView):
    """`/`: the login form, or straight on to the user's page when logged in."""

    template_name = "portal/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["errors"] = error_list(context["form"], "id_username")
        return context


def locked_out(request, original_response=None, credentials=None):
    """django-axes: the login page again, saying that the username is locked for a while."""
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "errors": [(LOCKED_OUT, "id_username")], "locked": True}
    return render(request, "portal/login.html", context, status=429)


@login_required
@require_GET
def start(request):
    """After login: on to the user's page; a user without a role is told whom to ask."""
    if services.profile_of(request.user):
        return redirect(home_url(request.user))
    return render(request, "portal/no_role.html", status=403)


def _own_kommun(request, kod: str) -> str:
    """A coach's own municipality code; anyone else gets 404, as for a page that is not."""
    if services.coach_kommun(request.user) != kod:
        raise Http404
    return kod


@login_required
@require_http_methods(["GET", "POST"])
def kommun(request, kod: str):
    """The coach's page: send the three workbooks, see the answer and earlier submissions.

    The answer (problems, or the outputs) is this request's response: it may carry the
    validation report, which is never stored, so the page is never cached.
    """
    _own_kommun(request, kod)
    outcome = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            outcome = services.submit(
                user=request.user,
                kommunkod=kod,
                workbooks=form.workbooks(),
                sent_names=form.sent_names(),
            )
            if outcome.refused:
                form.add_error(outcome.field, outcome.refused)
            else:
                form = UploadForm()
            if outcome.ok:
                region.refresh()
    else:
        form = UploadForm()
    submissions = (
        services.visible_submissions(request.user)
        .filter(kommunkod=kod)
        .select_related("sent_by")
        .prefetch_related(services.output_names())
    )
    response = render(
        request,
        "portal/kommun.html",
        {
            "kod": kod,
            "kommun": kommun_name(kod),
            "form": form,
            "outcome": None if outcome is None or outcome.refused else outcome,
            "submissions": submissions,
            "seen_by_region": services.seen_by_region(kod),
            "max_mb": MAX_FILE_MB,
            "no_pdf": services.NO_PDF,
            "errors": error_list(form, f"id_{config.WORKBOOKS[0]}"),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(request, pk: int, filnamn: str):
    """One output of a submission the user may see (else 404); logged."""
    submission = get_object_or_404(services.visible_submissions(request.user), pk=pk)
    output = get_object_or_404(submission.outputs, name=filnamn)
    services.log(request.user, AuditLog.DOWNLOADED, submission, output.name)
    response = HttpResponse(bytes(output.content), content_type=output.content_type)
    response["Content-Disposition"] = content_disposition_header(True, output.name)
    response["Cache-Control"] = "private, no-store"
    return response


def accessibility(request):
    """The accessibility statement (DOS-lagen), for everyone."""
    return render(request, "portal/tillganglighet.html", {"contact_email": settings.CONTACT_EMAIL})


def csrf_failure(request, reason=""):
    return render(request, "portal/csrf.html", status=403)
