"""The portal: the library's second face beside the command line (Django).

`setup()` readies Django for the command line (`halsocenter konto`) and `python -m
pipeline.web` (Django's manage.py, with `serve` for `make serve`).
"""

from __future__ import annotations

import os

SETTINGS = "pipeline.web.settings"


def setup() -> None:
    """Django with the portal's settings, the database created or migrated first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
