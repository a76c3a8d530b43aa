"""Back-office registrations of the payments app."""

from wagtail import hooks


@hooks.register("register_log_actions")
def register_payments_log_actions(actions) -> None:
    actions.register_action("lyceum.wallet.adjust", "Adjust wallet", "Wallet adjusted")
    actions.register_action("lyceum.payout.cancel", "Cancel payout", "Payout canceled")
    actions.register_action("lyceum.payout.approve", "Approve payout", "Payout approved")
    actions.register_action("lyceum.payout.reject", "Reject payout", "Payout rejected")
    actions.register_action("lyceum.payout.paid", "Mark payout paid", "Payout marked paid")


@hooks.register("register_admin_urls")
def register_gateway_admin_urls():
    from django.urls import path

    from payments.admin_views import gateways

    return [path("payments/gateways/", gateways, name="payments_gateways")]


@hooks.register("register_settings_menu_item")
def register_gateway_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class SuperuserMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser

    return SuperuserMenuItem(
        "Payment gateways", reverse("payments_gateways"), icon_name="credit-card", order=900
    )
