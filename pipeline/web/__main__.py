"""`python -m pipeline.web COMMAND`: Django's manage.py for the portal.

`python -m pipeline.web serve --port 8000` (what `make serve` runs) migrates the
database and serves the portal on http://127.0.0.1:8000/. That is plain http on this
computer only, so cookies are not marked https-only there (HALSOCENTER_HTTPS=0).
"""

import os
import sys

from pipeline.web import SETTINGS


def main(argv: list[str]) -> None:
    if argv[1:2] == ["serve"]:
        os.environ.setdefault("HALSOCENTER_HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main(sys.argv)
