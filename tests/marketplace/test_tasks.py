"""The first scheduled job: expired login sessions are cleared hourly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from dramatiq_crontab import scheduler

from config.background import load_task_modules
from marketplace.tasks import clear_expired_sessions, remove_expired_sessions

pytestmark = pytest.mark.django_db


def test_clear_expired_sessions_removes_only_expired_ones():
    live = SessionStore()
    live["x"] = 1
    live.create()
    yesterday = timezone.now() - timedelta(days=1)
    Session.objects.create(session_key="expired-session", session_data="", expire_date=yesterday)

    assert remove_expired_sessions() == 1
    clear_expired_sessions.fn()  # the actor itself, on nothing left to do
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_job_is_on_the_schedule():
    load_task_modules()
    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert "clear_expired_sessions" in jobs
    assert "minute='17'" in str(jobs["clear_expired_sessions"].trigger)
    assert "minute='*/5'" in str(jobs["release_expired_holds_job"].trigger)
