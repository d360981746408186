"""The region's two forms: which year and measure to show (GET), and a key-figure file
that came by e-mail (POST)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms

from pipeline.comparison import reading
from pipeline.contract import schema as contract
from pipeline.contract.comparison import measures
from pipeline.web.privacy import MAX_FILE_BYTES, MAX_FILE_MB, megabytes


class ChooseForm(forms.Form):
    """`?ar=2024&matt=andel_inom_30_dagar`: the year shown and the measure on the map.

    The years offered run from the first year with figures to the last, so a year in
    between without figures can be chosen too; any year a key-figure file may hold can be
    typed in the address."""

    ar = forms.TypedChoiceField(label="År", coerce=int, required=False)
    matt = forms.ChoiceField(label="Mått på kartan", required=False)

    def __init__(self, data, years: list[int]):
        super().__init__(data)
        first, last = reading.years()
        shown = list(range(years[0], years[-1] + 1)) if years else []
        asked = str(self.data.get("ar", ""))
        if asked.isdigit() and first <= int(asked) <= last and int(asked) not in shown:
            shown.append(int(asked))
        self.fields["ar"].choices = [(y, str(y)) for y in sorted(shown, reverse=True)]
        self.fields["ar"].error_messages["invalid_choice"] = (
            f"Året '%(value)s' finns inte. Välj ett år i listan ({first}–{last})."
        )
        self.fields["matt"].choices = [(m.id, m.rubrik) for m in measures()]
        self.fields["matt"].error_messages["invalid_choice"] = (
            "Måttet '%(value)s' finns inte. Välj ett mått i listan."
        )


class EmailedFileForm(forms.Form):
    """A municipality's nyckeltal.csv that came by e-mail."""

    kommun = forms.ChoiceField(
        label="Kommun",
        error_messages={
            "required": "Välj kommunen som skickade filen.",
            "invalid_choice": "Välj en av länets kommuner.",
        },
    )
    fil = forms.FileField(
        label="Nyckeltalsfilen (.csv)",
        help_text=(
            "Filen som kommunen skickade, t.ex. Habo-2024-nyckeltal.csv. Den läses som make "
            "compare läser den: också sparad om i Excel, med semikolon och decimalkomma."
        ),
        error_messages={
            "required": "Välj nyckeltalsfilen som kom med e-post.",
            "empty": "Filen du valde är tom. Välj nyckeltalsfilen som kom med e-post.",
            "invalid": "Välj filen igen; den kom inte fram.",
            "missing": "Välj filen igen; den kom inte fram.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    ersatt = forms.BooleanField(
        label="Ersätt",
        required=False,
        help_text=(
            "Kryssa i bara om regionen redan har andra nyckeltal för kommunen och året och "
            "filen som kom med e-post ska gälla i stället."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommun"].choices = [("", "Välj kommun")] + [
            (k.kod, k.namn) for k in contract.kommuner()
        ]

    def clean_fil(self):
        upload = self.cleaned_data["fil"]
        name = PurePath(upload.name).name
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"Filen {name} är {megabytes(upload.size)}; en nyckeltalsfil är några kB och får "
                f"vara högst {MAX_FILE_MB} MB. Välj nyckeltalsfilen (.csv).",
                code="too_large",
            )
        suffix = PurePath(name).suffix.casefold()
        if suffix in {".xlsx", ".xlsm", ".xls", ".ods", ".docx", ".pdf", ".zip"}:
            raise forms.ValidationError(
                f"Filen {name} är inte en nyckeltalsfil (.csv). Välj <kommun>-<år>-nyckeltal.csv "
                "som kommunens program skrev; har den öppnats i Excel, spara den som CSV.",
                code="not_csv",
            )
        return upload

    def name(self) -> str:
        return PurePath(self.cleaned_data["fil"].name).name

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data["fil"]
        upload.seek(0)
        return upload.read()
