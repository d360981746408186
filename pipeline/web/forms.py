"""The portal's two forms, with their Swedish messages: login and the three workbooks."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.web.privacy import MAX_FILE_BYTES, MAX_FILE_MB, megabytes

ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Fel användarnamn eller lösenord. Skriv dem igen; stora och små bokstäver räknas."
        ),
        "inactive": "Kontot är avstängt. Kontakta regionen om du behöver komma in.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username, password = self.fields["username"], self.fields["password"]
        username.label = "Användarnamn"
        username.error_messages["required"] = "Skriv ditt användarnamn."
        username.widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        username.widget.attrs.pop("autofocus", None)
        password.label = "Lösenord"
        password.error_messages["required"] = "Skriv ditt lösenord."


class WorkbookField(forms.FileField):
    """One of the three workbooks: an .xlsx of at most MAX_FILE_MB, under its own name."""

    def __init__(self, key: str, **kwargs):
        self.key = key
        self.fil = contract.workbook(key).fil
        super().__init__(
            label=self.fil,
            help_text=contract.workbook(key).beskrivning,
            error_messages={
                "required": f"Välj filen {self.fil}.",
                "empty": f"Filen du valde som {self.fil} är tom. Välj den sparade arbetsboken.",
                "invalid": f"Välj filen {self.fil} igen; den kom inte fram.",
                "missing": f"Välj filen {self.fil} igen; den kom inte fram.",
            },
            widget=forms.FileInput(
                attrs={
                    "accept": ".xlsx,application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet"
                }
            ),
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        name = PurePath(upload.name).name
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"Filen {name} är {megabytes(upload.size)}. En arbetsbok får vara högst "
                f"{MAX_FILE_MB} MB. Ta bort tomma rader och flikar som inte behövs, spara och "
                "välj filen igen.",
                code="too_large",
            )
        suffix = PurePath(name).suffix.casefold()
        if suffix in contract.OTHER_FORMATS:
            raise forms.ValidationError(
                f"Filen {name} är inte en Excel-arbetsbok (.xlsx). Öppna den i Excel, välj "
                f"Spara som > Excel-arbetsbok (*.xlsx) och välj sedan {self.fil} här.",
                code="not_xlsx",
            )
        if suffix != ".xlsx":
            raise forms.ValidationError(
                f"Filen {name} är inte en Excel-arbetsbok (.xlsx). Välj {self.fil} här.",
                code="not_xlsx",
            )
        others = {fil.casefold(): fil for fil in contract.files() if fil != self.fil}
        if name.casefold() in others:
            raise forms.ValidationError(
                f"Du valde {name} som {self.fil}. Välj {self.fil} här och "
                f"{others[name.casefold()]} i sitt eget fält.",
                code="wrong_workbook",
            )
        upload.seek(0)
        start = upload.read(len(ZIP_MAGIC))
        upload.seek(0)
        if start != ZIP_MAGIC:
            raise forms.ValidationError(
                f"Filen {name} heter .xlsx men är ingen Excel-arbetsbok (den kan vara skadad "
                "eller bara omdöpt). Öppna den i Excel, spara den som Excel-arbetsbok (*.xlsx) "
                "och välj den igen.",
                code="not_xlsx",
            )
        return upload


class UploadForm(forms.Form):
    """The coach's three workbooks, one file input each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in config.WORKBOOKS:
            self.fields[key] = WorkbookField(key)

    def workbooks(self) -> dict[str, bytes]:
        """The workbooks' bytes by file name, as the library reads them (in memory)."""
        return {self.fields[key].fil: self.cleaned_data[key].read() for key in config.WORKBOOKS}

    def sent_names(self) -> dict[str, str]:
        """The name each workbook had on the coach's computer, by the contract's file name."""
        return {
            self.fields[key].fil: PurePath(self.cleaned_data[key].name).name
            for key in config.WORKBOOKS
        }
