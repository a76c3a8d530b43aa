from django.urls import path

from conferencing import callback_views

urlpatterns = [
    path("callbacks/ended/<str:token>/", callback_views.meeting_ended, name="bbb-meeting-ended"),
    path("callbacks/recording-ready/", callback_views.recording_ready, name="bbb-recording-ready"),
    path("callbacks/analytics/", callback_views.analytics, name="bbb-analytics"),
]
