from conferencing.models.attendance import Attendance
from conferencing.models.recordings import Recording
from conferencing.models.servers import ServerSettings
from conferencing.models.sessions import JoinGrant, Session, SessionStatus

__all__ = ["Attendance", "JoinGrant", "Recording", "ServerSettings", "Session", "SessionStatus"]
