"""Check the ledger: balances equal their postings, entries balance, holds and payouts agree."""

from django.core.management.base import BaseCommand, CommandError

from payments.verification import verify_ledger


class Command(BaseCommand):
    help = "Recompute every balance from postings and check every ledger invariant."

    def handle(self, *args, **options) -> None:
        problems = verify_ledger()
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"The ledger has {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("Ledger verified: every balance and invariant holds."))
