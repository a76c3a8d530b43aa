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
    actions.register_action("lyceum.schedule.add", "Schedule session", "Session scheduled")
    actions.register_action("lyceum.schedule.edit", "Change session", "Session changed")
    actions.register_action("lyceum.schedule.cancel", "Cancel session", "Session canceled")


@hooks.register("register_admin_viewset")
def register_topic_viewset():
    from marketplace.admin_topics import topic_viewset

    return topic_viewset


@hooks.register("register_log_actions")
def register_moderator_profile_log_actions(actions) -> None:
    actions.register_action("lyceum.moderator_profile.update", "Edit public profile", "Profile edited")
    actions.register_action("lyceum.moderator_profile.cover", "Change cover", "Cover changed")
    actions.register_action("lyceum.moderator_profile.cover_removed", "Remove cover", "Cover removed")
    actions.register_action(
        "lyceum.moderator_profile.room_defaults", "Change room defaults", "Default room settings changed"
    )


@hooks.register("register_log_actions")
def register_registration_log_actions(actions) -> None:
    for action, label in (
        ("create", "Register"),
        ("auto_reject", "Reject automatically (blacklist)"),
        ("approve", "Approve registration"),
        ("reject", "Reject registration"),
        ("ban", "Ban from room"),
        ("unban", "Lift ban"),
        ("cancel", "Cancel registration"),
        ("resume", "Resume subscription"),
        ("renew", "Renew subscription"),
        ("lapse", "Subscription lapsed"),
    ):
        actions.register_action(f"lyceum.registration.{action}", label, label)
    actions.register_action("lyceum.access_rule.set", "Set list entry", "White/blacklist entry set")
    actions.register_action("lyceum.access_rule.remove", "Remove list entry", "White/blacklist entry removed")
    actions.register_action("lyceum.room_access.grant", "Grant room access", "Room access granted")
    actions.register_action("lyceum.room_access.revoke", "Revoke room access", "Room access revoked")


@hooks.register("construct_homepage_panels")
def add_figures_panel(request, panels) -> None:
    from marketplace.admin_charts import figures_panel_for

    panel = figures_panel_for(request)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_admin_viewset")
def register_marketplace_group():
    from marketplace.admin_menu import MarketplaceGroup

    return MarketplaceGroup()


@hooks.register("register_log_actions")
def register_back_office_log_actions(actions) -> None:
    actions.register_action("lyceum.member.invite", "Invite member", "Member invited")
    actions.register_action("lyceum.member.reinvite", "Invite again", "Invitation sent again")
    actions.register_action("lyceum.member.invitation_cancel", "Cancel invitation", "Invitation canceled")
    actions.register_action("lyceum.member.invitation_accept", "Accept invitation", "Invitation accepted")
    actions.register_action("lyceum.member.roles", "Change roles", "Roles changed")
    actions.register_action("lyceum.user.deactivate", "Deactivate account", "Account deactivated")
    actions.register_action("lyceum.room.pause", "Pause room", "Room paused")
    actions.register_action("lyceum.room.resume", "Resume room", "Room resumed")


def _register_registration_bulk_actions() -> None:
    # Bulk actions are registered as classes, so their module is imported with the hooks.
    from marketplace.admin_registrations import BULK_ACTIONS

    for action in BULK_ACTIONS:
        hooks.register("register_bulk_action", action)


_register_registration_bulk_actions()


@hooks.register("register_log_actions")
def register_import_log_actions(actions) -> None:
    from marketplace.admin_imports import register_import_log_actions as register

    register(actions)
