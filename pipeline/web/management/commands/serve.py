"""`python -m pipeline.web serve`: migrate, then Django's development server on 127.0.0.1.

For trying the portal on this computer (`make serve`); production runs gunicorn behind
HTTPS (README, Portalen i drift)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Skapa eller uppdatera databasen och starta portalen på http://127.0.0.1:PORT/."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="porten (standard: 8000)")

    def handle(self, *args, port: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"Portalen körs på http://127.0.0.1:{port}/ – avsluta med Ctrl+C. Konton gör du "
            "med: halsocenter konto NAMN --kommun KOMMUN"
        )
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
