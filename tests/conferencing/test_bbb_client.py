"""The BBB client against BBB's documented answers, served through httpx.MockTransport.

The fixtures are the example responses of BBB's API reference (see fixtures/); each test also
checks that the request carried a correct checksum over exactly the query string that was sent.
"""

from __future__ import annotations

import logging
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from conferencing.bbb.checksum import algorithm_of, checksum
from conferencing.bbb.client import BBBClient
from conferencing.bbb.errors import BBBError, BBBUnavailable
from conferencing.bbb.params import encode
from conferencing.bbb.types import CreateParams, RecordingsPage

FIXTURES = Path(__file__).parent / "fixtures"
ENDPOINT = "https://bbb.example.com/bigbluebutton/api/"
SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Server:
    """A MockTransport handler answering with fixtures, keeping every request it saw."""

    def __init__(self, *answers: bytes | int | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(answer, content=b"<html>Bad Gateway</html>")
        return httpx.Response(200, content=answer, headers={"Content-Type": "text/xml;charset=utf-8"})

    @property
    def request(self) -> httpx.Request:
        assert len(self.requests) == 1
        return self.requests[0]


def client_for(server: Server, **options) -> BBBClient:
    options.setdefault("backoff", 0)
    return BBBClient(ENDPOINT, SECRET, transport=httpx.MockTransport(server), **options)


def signed_query(url: str | httpx.URL, call: str) -> str:
    """The query string without its checksum, after checking that checksum is right for it."""
    url = httpx.URL(str(url))
    assert url.path == f"/bigbluebutton/api/{call}"
    query = url.query.decode()
    signed, separator, digest = query.rpartition("checksum=")
    signed = signed.removesuffix("&")
    assert separator and digest, f"no checksum in {query!r}"
    algorithm = algorithm_of(digest)
    assert algorithm is not None
    assert digest == checksum(call, signed, SECRET, algorithm)
    return signed


def params_of(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=True))


# ---- create --------------------------------------------------------------------------------------


def room_params(**overrides) -> CreateParams:
    values = dict(
        meeting_id="room-42",
        name="Algebra & Co: Week 1",
        record=True,
        auto_start_recording=True,
        allow_start_stop_recording=False,
        mute_on_start=True,
        guest_policy="ASK_MODERATOR",
        lock_private_chat=True,
        welcome="Welcome to <b>%%CONFNAME%%</b>!",
        max_participants=25,
        duration=90,
        logout_url="https://alpha.example.com/@ada/algebra/",
        meeting_keep_events=True,
        meta={"lyceum-room": "5f1c2a"},
        end_callback_url="https://alpha.example.com/bbb/ended/?token=a.b&x=1",
        recording_ready_url="https://alpha.example.com/bbb/recording-ready/",
        analytics_callback_url="https://alpha.example.com/bbb/analytics/?token=c.d",
        extra={"logo": "https://alpha.example.com/logo.png", "bannerText": "Alpha Academy"},
    )
    values.update(overrides)
    return CreateParams(**values)


def test_create_signs_the_exact_query_and_parses_the_meeting():
    server = Server(fixture("create.xml"))
    result = client_for(server).create(room_params())

    query = signed_query(server.request.url, "create")
    assert server.request.method == "GET"
    assert "name=Algebra+%26+Co%3A+Week+1" in query  # quote_plus, as in BBB's examples
    assert params_of(query) == {
        "meetingID": "room-42",
        "name": "Algebra & Co: Week 1",
        **{key: "true" for key in ("record", "autoStartRecording", "muteOnStart", "meetingKeepEvents")},
        **{key: "false" for key in ("allowStartStopRecording", "webcamsOnlyForModerator")},
        "lockSettingsDisablePrivateChat": "true",
        "lockSettingsDisablePublicChat": "false",
        "lockSettingsDisableNotes": "false",
        "guestPolicy": "ASK_MODERATOR",
        "welcome": "Welcome to <b>%%CONFNAME%%</b>!",
        "maxParticipants": "25",
        "duration": "90",
        "logoutURL": "https://alpha.example.com/@ada/algebra/",
        "meta_endCallbackUrl": "https://alpha.example.com/bbb/ended/?token=a.b&x=1",
        "meta_bbb-recording-ready-url": "https://alpha.example.com/bbb/recording-ready/",
        "meta_analytics-callback-url": "https://alpha.example.com/bbb/analytics/?token=c.d",
        "meta_lyceum-room": "5f1c2a",
        "logo": "https://alpha.example.com/logo.png",
        "bannerText": "Alpha Academy",
    }
    # The string sent is the string signed, parameter for parameter.
    assert query == encode(list(parse_qsl(query, keep_blank_values=True)))

    assert result.duplicate_warning is False
    meeting = result.meeting
    assert meeting.meeting_id == "Test"
    assert meeting.internal_meeting_id == "640ab2bae07bedc4c163f679a746f7ab7fb5d1fa-1531155809613"
    assert meeting.create_time == 1531155809613
    assert meeting.create_date == "Mon Jul 09 17:03:29 UTC 2018"
    assert meeting.has_user_joined is False
    assert meeting.attendees == []


def test_create_of_a_running_meeting_is_a_success_with_duplicate_warning():
    server = Server(fixture("create_duplicate.xml"))
    result = client_for(server).create(room_params())
    assert result.duplicate_warning is True
    assert result.meeting.create_time == 1531155809613


def test_create_with_slides_posts_the_presentation_module():
    server = Server(fixture("create.xml"))
    slides = ["https://files.example.com/deck.pdf?sig=1&exp=2", "https://files.example.com/notes.pdf"]
    client_for(server).create(room_params(), slides=slides)

    request = server.request
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/xml"
    # Parameters stay in the signed query string; the body is not part of the checksum.
    assert params_of(signed_query(request.url, "create"))["meetingID"] == "room-42"
    body = ET.fromstring(request.content)
    assert body.tag == "modules"
    (module,) = body.findall("module")
    assert module.get("name") == "presentation"
    assert [document.get("url") for document in module.findall("document")] == slides
    assert b"sig=1&amp;exp=2" in request.content


def test_create_failure_raises_with_the_message_key():
    server = Server(fixture("checksum_error.xml"))
    with pytest.raises(BBBError) as caught:
        client_for(server).create(room_params())
    assert caught.value.message_key == "checksumError"
    assert caught.value.message == "Checksums do not match"
    assert caught.value.call == "create"
    assert not isinstance(caught.value, BBBUnavailable)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": "A"}, "2 to 256"),
        ({"name": "x" * 257}, "2 to 256"),
        ({"meeting_id": "a,b"}, "comma"),
        ({"guest_policy": "SOMETIMES"}, "guest_policy"),
        ({"meta": {"bad key": "x"}}, "XML element name"),
        ({"meta": {"endCallbackUrl": "x"}}, "dedicated"),
        ({"extra": {"meetingID": "other"}}, "already set"),
        ({"extra": {"checksum": "x"}}, "already set"),
    ],
)
def test_create_params_refuse_what_bbb_would_misread(overrides, error):
    server = Server(fixture("create.xml"))
    with pytest.raises(ValueError, match=error):
        client_for(server).create(room_params(**overrides))
    assert server.requests == []


# ---- join ----------------------------------------------------------------------------------------


def test_join_url_is_signed_and_never_fetched():
    def no_network(request: httpx.Request) -> httpx.Response:
        raise AssertionError("join_url must not fetch anything")

    client = BBBClient(ENDPOINT, SECRET, transport=httpx.MockTransport(no_network))
    url = client.join_url(
        "room-42",
        "Ada Lovelace",
        role="VIEWER",
        user_id="guest-1a2b",
        create_time=1531155809613,
        guest=True,
        extra={"userdata-bbb_auto_join_audio": "true"},
    )
    assert url.startswith("https://bbb.example.com/bigbluebutton/api/join?")
    query = signed_query(url, "join")
    assert query == (
        "meetingID=room-42&fullName=Ada+Lovelace&role=VIEWER&userID=guest-1a2b"
        "&createTime=1531155809613&guest=true&redirect=true&userdata-bbb_auto_join_audio=true"
    )


def test_join_url_for_a_member_leaves_guest_and_create_time_out():
    client = BBBClient(ENDPOINT, SECRET, algorithm="sha512")
    url = client.join_url("room-42", "Grace", role="MODERATOR", user_id="user-9", create_time=None)
    sent = params_of(signed_query(url, "join"))
    assert sent == {
        "meetingID": "room-42",
        "fullName": "Grace",
        "role": "MODERATOR",
        "userID": "user-9",
        "redirect": "true",
    }
    assert len(urlsplit(url).query.rpartition("checksum=")[2]) == 128


def test_join_url_refuses_an_unknown_role():
    client = BBBClient(ENDPOINT, SECRET)
    with pytest.raises(ValueError, match="role"):
        client.join_url("room-42", "Ada", role="ADMIN", user_id="u", create_time=None)  # type: ignore[arg-type]


# ---- monitoring ----------------------------------------------------------------------------------


def test_get_meeting_info_parses_attendees_and_metadata():
    server = Server(fixture("get_meeting_info.xml"))
    meeting = client_for(server).get_meeting_info("gbesu6dht08uobpislzqxsizjzihn87cmewqyacs")

    assert params_of(signed_query(server.request.url, "getMeetingInfo")) == {
        "meetingID": "gbesu6dht08uobpislzqxsizjzihn87cmewqyacs"
    }
    assert meeting.name == "Anton G's Room"
    assert meeting.internal_meeting_id == "a0715c95000a2bcb90604ecc7097dbc94592c690-1715261728123"
    assert meeting.create_time == 1715261728123
    assert meeting.running is True
    assert meeting.has_user_joined is True
    assert meeting.participant_count == 1
    assert meeting.moderator_count == 1
    assert meeting.max_users == 0
    assert meeting.duration == 0
    (attendee,) = meeting.attendees
    assert attendee.user_id == "w_ftcrsyuh44oj"
    assert attendee.full_name == "Anton G"
    assert attendee.role == "MODERATOR"
    assert attendee.is_presenter is True
    assert attendee.client_type == "HTML5"
    # BBB lower-cases metadata keys: meta_endCallbackUrl comes back as <endcallbackurl>.
    assert meeting.metadata["endcallbackurl"] == "https://test30.bigbluebutton.org/meeting_ended"
    assert meeting.metadata["bbb-origin"] == "greenlight"


def test_get_meeting_info_of_an_unknown_meeting_raises_not_found():
    server = Server(fixture("not_found.xml"))
    with pytest.raises(BBBError) as caught:
        client_for(server).get_meeting_info("room-42")
    assert caught.value.message_key == "notFound"
    assert caught.value.call == "getMeetingInfo"


def test_get_meetings_parses_each_meeting():
    server = Server(fixture("get_meetings.xml"))
    (meeting,) = client_for(server).get_meetings()
    assert params_of(signed_query(server.request.url, "getMeetings")) == {}
    assert str(server.request.url).endswith("/getMeetings?checksum=" + checksum("getMeetings", "", SECRET))
    assert meeting.meeting_id == "Demo Meeting"
    assert meeting.create_time == 1531241258036
    assert meeting.running is False
    assert meeting.attendees == []
    assert meeting.metadata == {}


def test_api_version_asks_the_base_url_without_checksum():
    server = Server(fixture("version.xml"))
    client = BBBClient(ENDPOINT.rstrip("/"), SECRET, transport=httpx.MockTransport(server))
    assert client.api_version() == "2.0"
    assert str(server.request.url) == ENDPOINT


# ---- recordings ----------------------------------------------------------------------------------


def test_get_recordings_parses_formats_and_times():
    server = Server(fixture("get_recordings.xml"))
    page = client_for(server).get_recordings(
        meeting_ids=["c637ba21adcd0191f48f5c4bf23fab0f96ed5c18", "CS102"]
    )

    sent = params_of(signed_query(server.request.url, "getRecordings"))
    assert sent == {"meetingID": "c637ba21adcd0191f48f5c4bf23fab0f96ed5c18,CS102"}
    assert page.total == 2
    first, second = page.recordings
    assert first.record_id == "ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124"
    assert first.meeting_id == "c637ba21adcd0191f48f5c4bf23fab0f96ed5c18"
    assert first.name == "Fred's Room"
    assert first.published is True
    assert first.state == "published"
    assert first.start_time == datetime(2018, 7, 4, 15, 38, 41, 124000, tzinfo=UTC)
    assert first.end_time == datetime(2018, 7, 4, 15, 40, 10, 456000, tzinfo=UTC)
    assert first.participants == 3
    assert first.raw_size is None
    assert first.metadata["gl-listed"] == "false"
    assert [f.type for f in first.formats] == ["podcast", "presentation"]
    presentation = first.formats[1]
    assert presentation.url.startswith(
        "https://demo.bigbluebutton.org/playback/presentation/2.0/playback.html?"
    )
    assert presentation.processing_time == 7177
    assert second.formats[0].length == 33


def test_get_recordings_with_a_video_format_and_pagination():
    server = Server(fixture("get_recordings_video.xml"))
    page = client_for(server).get_recordings(
        record_ids=["ffbfc4cc24428694e8b53a4e144f414052431693-1530278898111"],
        states=["published", "unpublished"],
        meta={"lyceum-room": "5f1c2a"},
        offset=10,
        limit=1,
    )
    query = signed_query(server.request.url, "getRecordings")
    assert query == (
        "recordID=ffbfc4cc24428694e8b53a4e144f414052431693-1530278898111"
        "&state=published%2Cunpublished&meta_lyceum-room=5f1c2a&offset=10&limit=1"
    )
    assert page.total == 12
    (recording,) = page.recordings
    assert recording.name == "Fred's Room"  # from CDATA
    assert recording.published is False
    assert recording.state == "unpublished"
    assert recording.raw_size == 5428765
    video = {f.type: f for f in recording.formats}["video"]
    assert video.url.endswith("/playback/video/ffbfc4cc24428694e8b53a4e144f414052431693-1530278898111/")
    assert video.length == 33
    assert video.processing_time == 211250


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"meeting_ids": ["a1"], "record_ids": ["r1"]}, "not both"),
        ({"limit": 101}, "between 1 and 100"),
        ({"limit": 0}, "between 1 and 100"),
        ({"offset": -1}, "0 or more"),
        ({"record_ids": ["r1,r2"]}, "comma"),
    ],
)
def test_get_recordings_refuses_filters_bbb_would_misread(kwargs, error):
    server = Server(fixture("no_recordings.xml"))
    with pytest.raises(ValueError, match=error):
        client_for(server).get_recordings(**kwargs)
    assert server.requests == []


def test_delete_of_an_unknown_recording_raises():
    answer = fixture("not_found.xml").replace(b"meeting", b"recording")
    with pytest.raises(BBBError) as caught:
        client_for(Server(answer)).delete_recordings(["record123"])
    assert caught.value.message_key == "notFound"


# ---- calls answering a plain SUCCESS ---------------------------------------------------------------

NO_RECORDINGS = fixture("no_recordings.xml")
EMPTY_PAGE = RecordingsPage(recordings=[], total=0)
SIMPLE_CALLS = [
    # (what to call, documented answer, call name, exactly the query signed, expected result)
    (
        lambda c: c.is_meeting_running("test01"),
        "is_meeting_running.xml",
        "isMeetingRunning",
        "meetingID=test01",
        True,
    ),
    (lambda c: c.end("room-42"), "end.xml", "end", "meetingID=room-42", None),
    (lambda c: c.get_meetings(), "get_meetings_none.xml", "getMeetings", "", []),
    (
        lambda c: c.publish_recordings(["record123", "recordABC"], False),
        "publish_recordings.xml",
        "publishRecordings",
        "recordID=record123%2CrecordABC&publish=false",
        None,
    ),
    (
        lambda c: c.update_recordings(["record123"], {"name": "Week 1: Intro", "gl-listed": ""}),
        "update_recordings.xml",
        "updateRecordings",
        "recordID=record123&meta_name=Week+1%3A+Intro&meta_gl-listed=",  # empty value: BBB removes the key
        None,
    ),
    (
        lambda c: c.delete_recordings("record123"),
        "delete_recordings.xml",
        "deleteRecordings",
        "recordID=record123",
        None,
    ),
    (
        lambda c: c.get_recordings(meeting_ids=["room-42"]),
        NO_RECORDINGS,
        "getRecordings",
        "meetingID=room-42",
        EMPTY_PAGE,
    ),
    # Older servers say FAILED noRecordings for the same thing.
    (
        lambda c: c.get_recordings(meeting_ids=["room-42"]),
        NO_RECORDINGS.replace(b"SUCCESS", b"FAILED"),
        "getRecordings",
        "meetingID=room-42",
        EMPTY_PAGE,
    ),
]


@pytest.mark.parametrize(("action", "answer", "call", "query", "expected"), SIMPLE_CALLS)
def test_simple_calls_send_signed_parameters_and_read_the_answer(action, answer, call, query, expected):
    server = Server(answer if isinstance(answer, bytes) else fixture(answer))
    assert action(client_for(server)) == expected
    assert signed_query(server.request.url, call) == query


# ---- algorithms and endpoints --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "length"), [("sha1", 40), ("sha256", 64), ("sha384", 96), ("sha512", 128)]
)
def test_each_algorithm_signs_requests(algorithm, length):
    server = Server(fixture("is_meeting_running.xml"))
    client_for(server, algorithm=algorithm).is_meeting_running("room-42")
    digest = server.request.url.query.decode().rpartition("checksum=")[2]
    assert len(digest) == length
    signed_query(server.request.url, "isMeetingRunning")


def test_endpoint_without_trailing_slash_and_scalelite_paths():
    server = Server(fixture("is_meeting_running.xml"))
    client = BBBClient(
        "https://scalelite.example.com/bigbluebutton/api", SECRET, transport=httpx.MockTransport(server)
    )
    client.is_meeting_running("room-42")
    assert str(server.request.url).startswith(
        "https://scalelite.example.com/bigbluebutton/api/isMeetingRunning?"
    )


@pytest.mark.parametrize("endpoint", ["bbb.example.com/bigbluebutton/api/", "ftp://bbb.example.com/api/"])
def test_endpoint_must_be_an_http_url(endpoint):
    with pytest.raises(ValueError, match="http"):
        BBBClient(endpoint, SECRET)


def test_secret_is_never_shown():
    client = BBBClient(ENDPOINT, SECRET)
    assert SECRET not in repr(client)


# ---- failures ------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingTransport(httpx.HTTPTransport):
    """A real transport (real sockets) that counts the requests it is asked to send."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        return super().handle_request(request)


@pytest.mark.parametrize("retries", [0, 2])
def test_connection_refused_is_retried_then_unavailable(retries, caplog):
    port = closed_port()
    transport = CountingTransport()
    client = BBBClient(
        f"http://127.0.0.1:{port}/bigbluebutton/api/",
        SECRET,
        retries=retries,
        backoff=0.01,
        transport=transport,
    )
    with caplog.at_level(logging.INFO, logger="conferencing.bbb"), pytest.raises(BBBUnavailable) as caught:
        client.end("room-42")  # even a call that is not repeated: the request never reached the server

    assert transport.attempts == retries + 1
    error = caught.value
    assert error.message_key == "unreachable"
    assert error.call == "end"
    assert f"127.0.0.1:{port}" in error.message
    assert f"after {retries + 1} attempt" in error.message
    assert SECRET not in error.message and "checksum" not in error.message
    (record,) = [r for r in caplog.records if r.name == "conferencing.bbb"]
    assert "end" in record.getMessage() and f"127.0.0.1:{port}" in record.getMessage()
    assert "checksum" not in record.getMessage() and SECRET not in record.getMessage()


def test_connect_timeout_is_retried():
    server = Server(httpx.ConnectTimeout("timed out"), fixture("is_meeting_running.xml"))
    assert client_for(server, retries=1).is_meeting_running("room-42") is True
    assert len(server.requests) == 2


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("timed out"), 502])
def test_read_timeout_and_5xx_are_not_retried_for_end(failure):
    server = Server(failure, fixture("end.xml"))
    with pytest.raises(BBBUnavailable, match=re.escape("bbb.example.com")):
        client_for(server, retries=2).end("room-42")
    assert len(server.requests) == 1


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("timed out"), 503])
def test_read_timeout_and_5xx_are_retried_for_idempotent_calls(failure):
    server = Server(failure, fixture("get_meeting_info.xml"))
    assert client_for(server, retries=1).get_meeting_info("room-42").participant_count == 1
    assert len(server.requests) == 2


def test_5xx_after_all_retries_names_the_status():
    server = Server(502)
    with pytest.raises(BBBUnavailable, match="HTTP 502") as caught:
        client_for(server, retries=1).create(room_params())
    assert len(server.requests) == 2
    assert caught.value.host == "bbb.example.com"


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>It works!</body></html>",
        b"not xml at all",
        b"<response><running>true</running></response>",  # no returncode
        b"<response><returncode>SUCCESS</returncode><running>true",  # cut short
    ],
)
def test_an_answer_that_is_not_bbb_xml_is_unavailable(body):
    with pytest.raises(BBBUnavailable, match="unusable answer"):
        client_for(Server(body)).is_meeting_running("room-42")


def test_a_redirect_is_reported_not_followed():
    def redirect(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://bbb.example.com/bigbluebutton/api/end?x=1"})

    client = BBBClient(ENDPOINT, SECRET, transport=httpx.MockTransport(redirect))
    with pytest.raises(
        BBBUnavailable, match=re.escape("redirects to https://bbb.example.com/bigbluebutton/api/end;")
    ):
        client.end("room-42")


DOCTYPES: list[Callable[[bytes], bytes]] = [
    lambda body: body,
    lambda body: body.decode().replace('<?xml version="1.0"?>', "").encode("utf-16"),
]


@pytest.mark.parametrize("encode_body", DOCTYPES, ids=["utf-8", "utf-16"])
def test_a_doctype_is_refused(encode_body):
    body = encode_body(fixture("doctype.xml"))
    with pytest.raises(BBBUnavailable, match="DOCTYPE"):
        client_for(Server(body)).is_meeting_running("room-42")


def test_doctype_text_inside_a_cdata_name_is_just_text():
    body = fixture("get_recordings_video.xml").replace(
        b"<![CDATA[Fred's Room]]></name>", b"<![CDATA[<!DOCTYPE x>]]></name>"
    )
    (recording,) = client_for(Server(body)).get_recordings(meeting_ids=["room-42"]).recordings
    assert recording.name == "<!DOCTYPE x>"


def test_an_external_entity_without_doctype_is_refused():
    body = b"<response><returncode>SUCCESS</returncode><running>&xxe;</running></response>"
    with pytest.raises(BBBUnavailable, match="not well-formed"):
        client_for(Server(body)).is_meeting_running("room-42")


def test_calls_are_logged_without_checksum(caplog):
    server = Server(fixture("not_found.xml"))
    with caplog.at_level(logging.DEBUG), pytest.raises(BBBError):
        client_for(server).get_meeting_info("room-42")
    digest = server.request.url.query.decode().rpartition("checksum=")[2]
    (record,) = [r for r in caplog.records if r.name == "conferencing.bbb"]
    message = record.getMessage()
    assert "getMeetingInfo" in message and "bbb.example.com" in message and "FAILED notFound" in message
    assert "duration_ms=" in message
    # No log line at all, httpx's own request line included, shows the checksum or the secret.
    for logged in caplog.records:
        assert digest not in logged.getMessage() and SECRET not in logged.getMessage()
