"""Moderator profiles and topics API: your own profile, its cover and room defaults; the site's
topics (admins edit them); anyone's public profile by handle."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, parsers, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import profile_selectors
from marketplace.api.permissions import IsTenantAdmin, IsTenantMember
from marketplace.models import ModeratorProfile, ProfileVisibility, Room, Topic
from marketplace.services import moderator_profiles as profile_services
from marketplace.services import topics as topic_services
from marketplace.services.moderator_profiles import ROOM_DEFAULT_FIELDS


class IsModerator(permissions.BasePermission):
    message = "Only moderators of this site have a public profile: choose a plan to become one."

    def has_permission(self, request, view) -> bool:
        return profile_selectors.is_moderator(request.user, request.tenant)


class CanSeePublicContent(permissions.BasePermission):
    """Profiles and topics are public unless the site shows its content to signed-in people only."""

    def has_permission(self, request, view) -> bool:
        if request.tenant.public_content_visible or request.user.is_authenticated:
            return True
        raise exceptions.NotAuthenticated("Sign in to see this site's profiles and topics.")


class IsTenantAdminOrPublicRead(CanSeePublicContent):
    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        self.message = "Only this site's admins can change its topics."
        return IsTenantAdmin().has_permission(request, view)


class ProfileVisibilityField(serializers.CharField):
    """`public` lists the profile on the site, `unlisted` opens it by its link only."""


class ProfileVisibilityFieldExtension(OpenApiSerializerFieldExtension):
    """A named enum component: rooms have a `visibility` with other choices, and the schema
    generator gives one property name one enum unless the second is a component of its own."""

    target_class = ProfileVisibilityField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="ProfileVisibilityEnum",
            type=ResolvedComponent.SCHEMA,
            object="ProfileVisibilityEnum",
            schema={"type": "string", "enum": ProfileVisibility.values},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description", "sort_order"]


class TopicInSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="At most 80 characters.")
    slug = serializers.CharField(
        required=False, allow_blank=True, help_text="Made from the name if left out."
    )
    description = serializers.CharField(required=False, allow_blank=True, help_text="At most 300 characters.")
    sort_order = serializers.IntegerField(required=False)


class TopicRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class LinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.URLField()


class ProfileFieldsMixin(serializers.Serializer):
    handle = serializers.CharField(source="user.handle", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    links = LinkSerializer(many=True, read_only=True)
    cover_url = serializers.SerializerMethodField()
    profile_path = serializers.SerializerMethodField()

    def get_cover_url(self, profile: ModeratorProfile) -> str | None:
        return profile.cover.url if profile.cover else None

    def get_profile_path(self, profile: ModeratorProfile) -> str:
        return f"/@{profile.user.handle}/"


class OwnProfileSerializer(ProfileFieldsMixin, serializers.ModelSerializer):
    topics = serializers.SerializerMethodField()
    visibility = ProfileVisibilityField(read_only=True)

    class Meta:
        model = ModeratorProfile
        fields = [
            "handle",
            "display_name",
            "headline",
            "bio",
            "topics",
            "languages",
            "location",
            "links",
            "visibility",
            "cover_url",
            "profile_path",
            "updated_at",
        ]

    def get_topics(self, profile: ModeratorProfile) -> list[str]:
        return [topic.slug for topic in profile_selectors.topics_of_profile(profile)]


class PublicProfileSerializer(ProfileFieldsMixin, serializers.ModelSerializer):
    avatar_url = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()

    class Meta:
        model = ModeratorProfile
        fields = [
            "handle",
            "display_name",
            "avatar_url",
            "headline",
            "bio",
            "topics",
            "languages",
            "location",
            "links",
            "cover_url",
            "profile_path",
        ]

    def get_avatar_url(self, profile: ModeratorProfile) -> str | None:
        return profile.user.avatar.url if profile.user.avatar else None

    @extend_schema_field(TopicRefSerializer(many=True))
    def get_topics(self, profile: ModeratorProfile) -> list[dict]:
        return TopicRefSerializer(profile_selectors.topics_of_profile(profile), many=True).data


class ProfileUpdateSerializer(serializers.Serializer):
    """Types only: the service checks lengths, topics, languages and links, and names what is wrong."""

    headline = serializers.CharField(required=False, allow_blank=True, help_text="At most 160 characters.")
    bio = serializers.CharField(required=False, allow_blank=True, help_text="Rich text; sanitised.")
    topics = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Slugs of this site's topics."
    )
    languages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text='ISO 639-1 codes, e.g. ["en", "fr"].'
    )
    location = serializers.CharField(required=False, allow_blank=True, help_text="At most 120 characters.")
    links = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text='At most 8 of {"label": "...", "url": "https://..."}.',
    )
    visibility = ProfileVisibilityField(required=False)


class CoverSerializer(serializers.Serializer):
    cover = serializers.FileField(help_text="A JPEG, PNG or WebP image.")


class RoomDefaultsSerializer(serializers.ModelSerializer):
    """The settings a new room starts from (every one optional when saving)."""

    class Meta:
        model = Room
        fields = list(ROOM_DEFAULT_FIELDS)
        extra_kwargs = {name: {"required": False} for name in ROOM_DEFAULT_FIELDS}


class OwnProfileMixin:
    permission_classes = [IsTenantMember, IsModerator]

    def profile(self, request) -> ModeratorProfile:
        return profile_services.get_or_create_profile(request.user, request.tenant)


class MyProfileView(OwnProfileMixin, APIView):
    """Your public profile on this site (moderators only)."""

    @extend_schema(responses=OwnProfileSerializer)
    def get(self, request):
        return Response(OwnProfileSerializer(self.profile(request)).data)

    @extend_schema(request=ProfileUpdateSerializer, responses=OwnProfileSerializer)
    def patch(self, request):
        incoming = ProfileUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        profile = profile_services.update_profile(
            self.profile(request), actor=request.user, **incoming.validated_data
        )
        return Response(OwnProfileSerializer(profile).data)


class MyCoverView(OwnProfileMixin, APIView):
    """Upload (multipart `cover`) or remove the cover image of your profile."""

    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(request=CoverSerializer, responses=OwnProfileSerializer)
    def put(self, request):
        incoming = CoverSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        profile = profile_services.set_cover(
            self.profile(request), incoming.validated_data["cover"], actor=request.user
        )
        return Response(OwnProfileSerializer(profile).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        profile_services.remove_cover(self.profile(request), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoomDefaultsView(OwnProfileMixin, APIView):
    """What your new rooms start from; lowered to your plan's limits when a room is created."""

    @extend_schema(responses=RoomDefaultsSerializer)
    def get(self, request):
        defaults = profile_services.room_defaults_with_fallbacks(self.profile(request))
        return Response(RoomDefaultsSerializer(defaults).data)

    @extend_schema(request=RoomDefaultsSerializer, responses=RoomDefaultsSerializer)
    def put(self, request):
        profile = profile_services.update_room_defaults(
            self.profile(request), actor=request.user, defaults=request.data
        )
        defaults = profile_services.room_defaults_with_fallbacks(profile)
        return Response(RoomDefaultsSerializer(defaults).data)


class PublicProfileView(APIView):
    """A moderator's public profile on this site, by handle."""

    permission_classes = [CanSeePublicContent]

    @extend_schema(responses=PublicProfileSerializer)
    def get(self, request, handle: str):
        profile = profile_selectors.public_profile(handle, request.tenant)
        if profile is None:
            raise exceptions.NotFound("No moderator with this handle on this site.")
        return Response(PublicProfileSerializer(profile).data)


class TopicViewSet(viewsets.ModelViewSet):
    """The site's topics: anyone reads them; its admins create, change and delete them."""

    serializer_class = TopicSerializer
    permission_classes = [IsTenantAdminOrPublicRead]
    lookup_field = "slug"
    search_fields = ["name", "slug"]
    ordering_fields = ["sort_order", "name"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Topic.objects.none()
        return profile_selectors.topics_of(self.request.tenant)

    @extend_schema(request=TopicInSerializer, responses={201: TopicSerializer})
    def create(self, request, *args, **kwargs):
        incoming = TopicInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        topic = topic_services.create_topic(request.tenant, actor=request.user, **incoming.validated_data)
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TopicInSerializer, responses=TopicSerializer)
    def partial_update(self, request, *args, **kwargs):
        incoming = TopicInSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        topic = topic_services.update_topic(self.get_object(), actor=request.user, **incoming.validated_data)
        return Response(TopicSerializer(topic).data)

    @extend_schema(request=TopicInSerializer, responses=TopicSerializer)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance: Topic) -> None:
        topic_services.delete_topic(instance, actor=self.request.user)
