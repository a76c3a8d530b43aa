"""`manage.py bbb_check`: ask every configured BBB endpoint whether it answers, with the right secret."""

from django.core.management.base import BaseCommand, CommandError

from conferencing.servers import check_all


class Command(BaseCommand):
    help = "Check the platform's and every tenant's BBB endpoint (version and getMeetings)."

    def handle(self, *args, **options) -> None:
        reports = check_all()
        if not reports:
            raise CommandError("No BBB endpoint is configured (set BBB_ENDPOINT and BBB_SECRET).")
        for report in reports:
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(f"{'OK  ' if report.ok else 'FAIL'} {report.endpoint}: {report.message}"))
        if not all(report.ok for report in reports):
            raise CommandError("At least one BBB endpoint is not healthy.")
