"""Recording calls: getRecordings, publishRecordings, updateRecordings, deleteRecordings."""

from __future__ import annotations

from conferencing.simulator import xml
from conferencing.simulator.models import ApiError, Recording
from conferencing.simulator.recordings import page_bounds, split_ids
from conferencing.simulator.state import Simulator
from conferencing.simulator.web import Request, Response


def _meta_params(params: dict[str, str]) -> dict[str, str]:
    return {key[5:].lower(): value for key, value in params.items() if key.startswith("meta_") and key[5:]}


def _targets(sim: Simulator, params: dict[str, str]) -> list[Recording]:
    """The recordings a change call names; deleted ones are gone for these calls, as on disk for BBB."""
    record_ids = split_ids(params.get("recordID", ""))
    if not record_ids:
        raise ApiError("missingParamRecordID", "You must specify a recordID.")
    found = [
        sim.recordings[r] for r in record_ids if r in sim.recordings and sim.recordings[r].state != "deleted"
    ]
    if not found:
        raise ApiError("notFound", "We could not find recordings")
    return found


def get_recordings(sim: Simulator, request: Request) -> Response:
    params = request.params
    found = sim.list_recordings(
        meeting_ids=split_ids(params.get("meetingID", "")),
        record_ids=split_ids(params.get("recordID", "")),
        states=split_ids(params.get("state", "")),
        metadata=_meta_params(params),
    )
    bounds = page_bounds(params.get("offset"), params.get("limit"))
    with sim.locked():
        if bounds is None:
            return Response.xml(xml.recordings(found))
        start, size = bounds
        return Response.xml(xml.recordings(found[start : start + size], total=len(found)))


def publish_recordings(sim: Simulator, request: Request) -> Response:
    params = request.params
    with sim.locked():
        targets = _targets(sim, params)
        publish = params.get("publish", "").lower()
        if publish not in ("true", "false"):
            raise ApiError("missingParamPublish", "You must specify a publish value true or false.")
        for recording in targets:
            recording.state = "published" if publish == "true" else "unpublished"
    return Response.xml(xml.simple(published=publish == "true"))


def update_recordings(sim: Simulator, request: Request) -> Response:
    params = request.params
    with sim.locked():
        changes = _meta_params(params)
        for recording in _targets(sim, params):
            for key, value in changes.items():
                # An empty value removes the entry (bbb-web's updateRecordings).
                if value:
                    recording.metadata[key] = value
                else:
                    recording.metadata.pop(key, None)
    return Response.xml(xml.simple(updated=True))


def delete_recordings(sim: Simulator, request: Request) -> Response:
    with sim.locked():
        for recording in _targets(sim, request.params):
            recording.state = "deleted"
    return Response.xml(xml.simple(deleted=True))


RECORDING_CALLS = {
    "getRecordings": get_recordings,
    "publishRecordings": publish_recordings,
    "updateRecordings": update_recordings,
    "deleteRecordings": delete_recordings,
}
