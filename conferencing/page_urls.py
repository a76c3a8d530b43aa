"""URLs of the conferencing pages.

`urlpatterns` (the join page) sits at the site's root, next to the room's calendar feed;
`dashboard_urlpatterns` is included by the dashboard's URLconf, so its names are `dashboard:...`.
"""

from django.urls import path

from conferencing import pages

urlpatterns = [
    path("rooms/<uuid:room_id>/join/", pages.join_page, name="join-page"),
]

dashboard_urlpatterns = [
    path("rooms/<uuid:room_id>/sessions/", pages.room_sessions, name="room-sessions"),
    path("rooms/<uuid:room_id>/recordings/", pages.room_recordings, name="room-recordings"),
    path("sessions/<uuid:session_id>/attendance/", pages.attendance, name="attendance"),
    path("sessions/<uuid:session_id>/attendance.csv", pages.attendance_csv, name="attendance-csv"),
]
