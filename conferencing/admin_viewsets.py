"""Back office: the site's BBB server (admins of the site) and its recording history.

Secrets are never shown again once saved: the form leaves the field empty and keeps the stored
secret unless a new one is typed; lists show a masked form only.
"""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from conferencing.models import Recording, ServerSettings
from conferencing.servers import Endpoint, check
from marketplace.permission_policies import TenantRolePermissionPolicy
from marketplace.roles import Role


class ServerSettingsForm(WagtailAdminModelForm):
    endpoint = forms.URLField(
        assume_scheme="https",
        help_text="API base URL, e.g. https://bbb.example.com/bigbluebutton/api/ (or your Scalelite's).",
    )
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="The server's shared secret. Leave empty to keep the saved one.",
    )

    class Meta:
        model = ServerSettings
        fields = ["endpoint", "secret", "algorithm", "is_active"]

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if not secret and not self.instance.secret:
            raise forms.ValidationError("Give the server's secret.")
        return secret or self.instance.secret

    def clean(self):
        cleaned = super().clean()
        tenant = self.instance.tenant if self.instance.tenant_id else None
        if tenant is None:
            raise forms.ValidationError("Open the back office on a site's address to set its server.")
        if self.instance.pk is None and ServerSettings.objects.filter(tenant=tenant).exists():
            raise forms.ValidationError(f"{tenant.name} already has a server: edit it instead.")
        if cleaned.get("endpoint") and cleaned.get("secret") and cleaned.get("is_active"):
            report = check(
                Endpoint(cleaned["endpoint"], cleaned["secret"], cleaned.get("algorithm", "sha256"))
            )
            if not report.ok:
                self.add_error("endpoint", f"The server did not accept our call: {report.message}")
        return cleaned


class ServerCreateView(generic.CreateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.tenant = self.request.tenant
        return form


class ServerSettingsViewSet(ModelViewSet):
    """The BBB endpoint this site's meetings run on (Scalelite is just an endpoint)."""

    model = ServerSettings
    icon = "link-external"
    menu_label = "BBB server"
    add_to_admin_menu = True
    menu_order = 320
    list_display = [
        "tenant",
        "endpoint",
        "masked_secret",
        "algorithm",
        "is_active",
        "last_check_ok",
        "last_checked_at",
    ]
    add_view_class = ServerCreateView

    def get_form_class(self, for_update: bool = False):
        return ServerSettingsForm


class ReadOnlyTenantPolicy(TenantRolePermissionPolicy):
    """Lists and details only: recordings change through the host's actions, which call BBB."""

    def user_has_permission(self, user, action) -> bool:
        return action not in {"add", "change", "delete"} and super().user_has_permission(user, action)


class RecordingViewSet(ModelViewSet):
    """Every recording of the site, including those gone from the server (kept for history)."""

    model = Recording
    icon = "media"
    menu_label = "Recordings"
    add_to_admin_menu = True
    menu_order = 330
    list_display = ["name", "room", "started_at", "published", "state", "participants", "deleted_at"]
    list_filter = ["published", "state"]
    search_fields = ["name", "record_id", "room__name"]
    inspect_view_enabled = True
    form_fields = ["name"]  # never editable here (see the policy); Wagtail needs a form definition
    inspect_view_fields = [
        "name",
        "room",
        "session",
        "record_id",
        "state",
        "published",
        "started_at",
        "ended_at",
        "participants",
        "raw_size",
        "formats",
        "deleted_at",
    ]


register_permission_policy(
    ServerSettings, TenantRolePermissionPolicy(ServerSettings, roles=frozenset({Role.ADMIN}))
)
register_permission_policy(Recording, ReadOnlyTenantPolicy(Recording, roles=frozenset({Role.ADMIN})))
server_viewset = ServerSettingsViewSet("bbb-server")
recording_viewset = RecordingViewSet("recordings")
