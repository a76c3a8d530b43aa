"""A standalone BigBlueButton API server for development and tests (standard library WSGI + httpx + PyJWT).

Start it with::

    python -m conferencing.simulator --host 127.0.0.1 --port 8090 --secret <secret> \\
        [--algorithms sha1,sha256,sha384,sha512] [--public-url URL] [--strict-recording-marks]

It answers like bbb-web 2.7-3.0:

- ``/bigbluebutton/api/`` (no checksum): the version XML.
- ``/bigbluebutton/api/<call>``: create (GET, or POST with a form body or a ``<modules>`` XML body), join,
  isMeetingRunning, end, getMeetingInfo, getMeetings, getRecordings (filters meetingID, recordID prefixes,
  state, meta_*; ``offset``/``limit`` pagination adds ``<totalElements>``), publishRecordings,
  updateRecordings, deleteRecordings. The checksum is verified over call name + query string (without
  ``checksum``) + secret, the algorithm judged by its length and accepted only if listed in
  ``--algorithms``. A refused join redirects to ``redirectErrorUrl``/``logoutURL``/the default logout URL
  with ``errors=[{"key", "message"}]``, as bbb-web does.
- ``/html5client/join?sessionToken=...``: a minimal meeting page (refreshes every 3 s) with the meeting
  name, your name and role, the participants, Leave and, for moderators, End meeting and the waiting
  room. Loading it is what puts the user in the meeting (bbb-web's "enter").
- ``/playback/presentation/2.3/<recordID>`` and ``/presentation/<recordID>/video/video.mp4``: the fake
  recording's playback page and a tiny valid MP4.

Meetings end by themselves when their ``duration`` passes, when nobody joined within
``--expire-if-no-user-joined-minutes`` (5) or everybody left ``--expire-when-last-user-left-minutes`` (1)
ago. Ending fires the callbacks described in :mod:`conferencing.simulator.callbacks`; a recorded meeting
gets a published recording with ``presentation`` and ``video`` formats.

Control endpoints (loopback clients only, no checksum, JSON in and out; arguments as a JSON object body
or as form/query parameters):

- ``GET  /_sim/state``: meetings (with sessions and attendance), ended meetings, recordings, clock,
  fault switch and the callback log.
- ``GET  /_sim/callbacks``: the callbacks sent (kind, url, attempts, status, delivered).
- ``GET  /_sim/clock``; ``POST /_sim/clock {"seconds": 600}``: move the simulator clock forward (durations,
  attendance, expiry and duration limits follow it; JWT expiry stays on the real clock).
- ``POST /_sim/reset``: forget everything (meetings, recordings, callbacks still queued), clock back to
  real time, fault switch off.
- ``POST /_sim/fault {"mode": "error"|"hang"|"drop", "calls": ["create", ...], "count": 2}``: API calls
  answer HTTP 500, hang without an answer until recovered, or lose their connection; optionally only the
  listed calls and only the next ``count`` of them. ``POST /_sim/recover`` turns it off.
- ``POST /_sim/participants {"meetingID", "fullName", "role": "VIEWER"|"MODERATOR", "userID", "count"}``:
  fake participants already in the meeting (no limit check).
- ``POST /_sim/participants/leave {"meetingID", "userID"}``: that participant leaves.
- ``POST /_sim/activity {"meetingID", "userID", "chats", "talks", "talkTime", "raisehand", "emojis",
  "pollVotes"}``: add to a participant's engagement counters (talkTime in seconds).
- ``POST /_sim/polls {"meetingID", "question", "options": [...], "votes": {"<userID>": "<option>"}}``.
- ``POST /_sim/guests {"meetingID", "userID", "allow": true}``: admit or deny a waiting guest.
- ``POST /_sim/recording-marks {"meetingID"}``: as if a moderator pressed the record button.
- ``POST /_sim/end {"meetingID"}``: end the meeting (as the end call does).
"""
