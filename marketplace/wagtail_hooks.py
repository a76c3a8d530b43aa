"""Back-office registrations of the marketplace app."""

from wagtail import hooks


@hooks.register("register_log_actions")
def register_marketplace_log_actions(actions) -> None:
    actions.register_action("lyceum.profile.update", "Update profile", "Profile updated")
    actions.register_action("lyceum.profile.avatar", "Change avatar", "Avatar changed")
    actions.register_action("lyceum.profile.avatar_removed", "Remove avatar", "Avatar removed")
    actions.register_action("lyceum.token.revoke", "Revoke API token", "API token revoked")


@hooks.register("register_admin_viewset")
def register_tenant_viewset():
    from marketplace.admin_viewsets import tenant_viewset

    return tenant_viewset


@hooks.register("register_admin_viewset")
def register_plan_viewset():
    from marketplace.admin_viewsets import plan_viewset

    return plan_viewset


@hooks.register("register_log_actions")
def register_plan_log_actions(actions) -> None:
    actions.register_action("lyceum.plan.subscribe", "Subscribe to plan", "Subscribed to a plan")
    actions.register_action("lyceum.plan.change", "Change plan", "Plan changed")
    actions.register_action("lyceum.plan.downgrade", "Schedule downgrade", "Downgrade scheduled")
    actions.register_action("lyceum.plan.cancel", "Cancel plan", "Plan canceled")
