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


@hooks.register("register_log_actions")
def register_tenant_billing_log_actions(actions) -> None:
    actions.register_action(
        "lyceum.tenant_billing.settings", "Change billing settings", "Billing settings changed"
    )
    actions.register_action("lyceum.tenant_billing.mode", "Change billing mode", "Billing mode changed")
    actions.register_action(
        "lyceum.tenant_billing.payment_started", "Start subscription payment", "Subscription payment started"
    )
    actions.register_action("lyceum.tenant_billing.paid", "Pay subscription", "Subscription paid")
    actions.register_action("lyceum.tenant_billing.marked_paid", "Mark paid manually", "Marked paid manually")
    actions.register_action(
        "lyceum.tenant_billing.reminder", "Send billing reminder", "Billing reminder sent"
    )
    actions.register_action("lyceum.tenant_billing.suspended", "Site suspended", "Suspension notice sent")


@hooks.register("register_admin_viewset")
def register_tenant_billing_viewsets():
    from payments.tenant_billing_admin import TenantBillingGroup

    return TenantBillingGroup()


@hooks.register("register_admin_urls")
def register_tenant_billing_urls():
    from django.urls import path

    from payments.tenant_billing_admin import billing_settings_view
    from payments.tenant_billing_views import tenant_billing

    return [
        path("billing/", tenant_billing, name="tenant_billing"),
        path("billing/settings/", billing_settings_view, name="tenant_billing_settings"),
    ]


@hooks.register("register_settings_menu_item")
def register_tenant_billing_settings_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class SuperuserMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser

    return SuperuserMenuItem(
        "Tenant billing", reverse("tenant_billing_settings"), icon_name="credit-card", order=910
    )


@hooks.register("register_admin_menu_item")
def register_tenant_billing_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    from marketplace.roles import Role
    from marketplace.selectors import roles_of

    class TenantAdminMenuItem(MenuItem):
        def is_shown(self, request):
            return Role.ADMIN in roles_of(request.user, getattr(request, "tenant", None))

    return TenantAdminMenuItem("Billing", reverse("tenant_billing"), icon_name="credit-card", order=950)


@hooks.register("register_admin_viewset")
def register_money_group():
    from payments.admin_viewsets import MoneyGroup

    return MoneyGroup()
