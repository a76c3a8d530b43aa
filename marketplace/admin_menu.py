"""The back office's "Marketplace" menu: members and invitations, plan subscriptions, rooms and
registrations.

The group shows only the screens the user may open; other apps' screens can join it through the
`register_marketplace_menu_item` hook.
"""

from __future__ import annotations

from wagtail.admin.viewsets.base import ViewSetGroup

from marketplace.admin_invitations import invitation_viewset
from marketplace.admin_people import member_viewset
from marketplace.admin_registrations import registration_viewset
from marketplace.admin_rooms import room_viewset, subscription_viewset


class MarketplaceGroup(ViewSetGroup):
    menu_label = "Marketplace"
    menu_icon = "group"
    menu_order = 200
    submenu_hook = "register_marketplace_menu_item"
    items = (member_viewset, invitation_viewset, subscription_viewset, room_viewset, registration_viewset)
