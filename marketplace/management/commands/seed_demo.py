"""Load the demo data (idempotent) and print the demo logins."""

from django.core.management.base import BaseCommand

from marketplace.services.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo platform owner, tenants and users; safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Port the demo sites are served on.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, port: int, quiet: bool, **options) -> None:
        report = seed_demo(port=port)
        summary = (
            f"{len(report.created)} demo objects created" if report.created else "Demo data already in place"
        )
        self.stdout.write(self.style.SUCCESS(summary + "."))
        if quiet:
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for label, email, where in report.logins:
            self.stdout.write(f"  {label:<32} {email:<40} {where}")
