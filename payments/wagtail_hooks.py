"""Back-office registrations of the payments app."""

from wagtail import hooks


@hooks.register("register_log_actions")
def register_payments_log_actions(actions) -> None:
    actions.register_action("lyceum.wallet.adjust", "Adjust wallet", "Wallet adjusted")
    actions.register_action("lyceum.payout.cancel", "Cancel payout", "Payout canceled")
    actions.register_action("lyceum.payout.approve", "Approve payout", "Payout approved")
    actions.register_action("lyceum.payout.reject", "Reject payout", "Payout rejected")
    actions.register_action("lyceum.payout.paid", "Mark payout paid", "Payout marked paid")
