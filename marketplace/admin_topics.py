"""Back office: the site's topics, for its admins (and the platform owner, across sites).

Saves go through the topic services, so the admin and the API share one set of rules and one
audit trail.
"""

from __future__ import annotations

from django import forms
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from marketplace.models import Topic
from marketplace.permission_policies import TenantRolePermissionPolicy
from marketplace.roles import Role
from marketplace.services import topics as topic_services

TOPIC_FORM_FIELDS = ["name", "slug", "description", "sort_order"]


class TopicForm(WagtailAdminModelForm):
    class Meta:
        model = Topic
        fields = TOPIC_FORM_FIELDS

    def clean(self):
        cleaned = super().clean()
        topic = self.instance
        if topic.tenant_id is None:
            raise forms.ValidationError("Open the back office on a site's address to add topics to it.")
        slug = slugify(cleaned.get("slug") or "")
        if slug and topic_services.topic_slug_taken(topic.tenant, slug, exclude_pk=topic.pk):
            self.add_error("slug", f'{topic.tenant.name} already has a topic with the slug "{slug}".')
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in TOPIC_FORM_FIELDS}


class TopicCreateView(generic.CreateView):
    """New topics belong to the site the admin is on; the tenant is never a form field."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.tenant = self.request.tenant
        return form

    def save_instance(self) -> Topic:
        return topic_services.create_topic(
            self.form.instance.tenant, actor=self.request.user, **self.form.changes()
        )


class TopicEditView(generic.EditView):
    def save_instance(self) -> Topic:
        # The form already copied its values onto the instance: compare against the stored row.
        stored = Topic.objects.get(pk=self.form.instance.pk)
        return topic_services.update_topic(stored, actor=self.request.user, **self.form.changes())


class TopicDeleteView(generic.DeleteView):
    def delete_action(self) -> None:
        topic_services.delete_topic(self.object, actor=self.request.user)


class TopicViewSet(ModelViewSet):
    model = Topic
    icon = "list-ul"
    menu_label = "Topics"
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "slug", "description", "sort_order", "tenant"]
    search_fields = ["name", "slug"]
    add_view_class = TopicCreateView
    edit_view_class = TopicEditView
    delete_view_class = TopicDeleteView

    def get_form_class(self, for_update: bool = False):
        return TopicForm


register_permission_policy(Topic, TenantRolePermissionPolicy(Topic, roles=frozenset({Role.ADMIN})))
topic_viewset = TopicViewSet("topics")
