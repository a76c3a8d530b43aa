"""Back-office registrations of the conferencing app."""

from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_server_viewset():
    from conferencing.admin_viewsets import server_viewset

    return server_viewset


@hooks.register("register_admin_viewset")
def register_recording_viewset():
    from conferencing.admin_viewsets import recording_viewset

    return recording_viewset


@hooks.register("register_log_actions")
def register_recording_log_actions(actions) -> None:
    actions.register_action("lyceum.recording.publish", "Publish recording", "Recording published")
    actions.register_action("lyceum.recording.unpublish", "Unpublish recording", "Recording unpublished")
    actions.register_action("lyceum.recording.rename", "Rename recording", "Recording renamed")
    actions.register_action("lyceum.recording.delete", "Delete recording", "Recording deleted")


@hooks.register("register_admin_viewset")
def register_conferencing_group():
    from conferencing.admin_sessions import ConferencingGroup

    return ConferencingGroup()
