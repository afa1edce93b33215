"""The patient's personal calendar feed (iCalendar, RFC 5545).

What is in it: the daily exercise time while there is a home exercise program, an all-day
event on each questionnaire date, and, when the patient asked for them, sitting breaks on
the hour on weekdays with an alarm. Summaries say "backpath" and what kind of moment it is,
never a health detail: a calendar is often shared or shown on a lock screen.

The feed is read-only and rebuilt on each fetch, so every event keeps a stable UID and a
stable start; a calendar that subscribes replaces its copy as a whole.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from backpath.care.access import current_episode
from backpath.followup.selectors import between_visits
from backpath.reminders.models import ReminderSettings
from backpath.reminders.timing import SITTING_BREAK_HOURS

EXERCISE_MINUTES = 15
BREAK_MINUTES = 5
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def _link(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _event(uid: str, summary: str, start: date | datetime, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    return event


def calendar_feed(choices: ReminderSettings, today: date) -> bytes:
    """The feed of one patient on ``today``, as bytes ready to serve as text/calendar."""
    user = choices.user
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//backpath//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "backpath")
    with translation.override(user.language):
        episode = current_episode(user)
        first = episode.programs.order_by("number").first() if episode else None
        if first is not None:
            starts = datetime.combine(
                timezone.localdate(first.published_at), choices.exercise_time, tzinfo=zone
            )
            event = _event(f"exercises-{user.pk}@backpath", _("backpath: exercises"), starts, stamp)
            event.add("duration", timedelta(minutes=EXERCISE_MINUTES))
            event.add("rrule", {"freq": "daily"})
            event.add("transp", "TRANSPARENT")
            event.add("url", _link("today"))
            calendar.add_component(event)
        if episode is not None:
            for occasion in between_visits(episode, today).occasions:
                event = _event(
                    f"questionnaire-{episode.pk}-{occasion.key}@backpath",
                    _("backpath: questionnaire"),
                    occasion.due,
                    stamp,
                )
                event.add("dtend", occasion.due + timedelta(days=1))
                event.add("transp", "TRANSPARENT")
                event.add("url", _link("portal_home"))
                calendar.add_component(event)
        if choices.sitting_breaks:
            updated = timezone.localdate(choices.updated_at)
            monday = updated - timedelta(days=updated.weekday())
            for hour in SITTING_BREAK_HOURS:
                move = _("Stand up and move for a minute")
                starts = datetime.combine(monday, time(hour, 0), tzinfo=zone)
                event = _event(f"sitting-break-{hour:02d}-{user.pk}@backpath", move, starts, stamp)
                event.add("duration", timedelta(minutes=BREAK_MINUTES))
                event.add("rrule", {"freq": "weekly", "byday": WEEKDAYS})
                event.add("transp", "TRANSPARENT")
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", move)
                alarm.add("trigger", timedelta(0))
                event.add_component(alarm)
                calendar.add_component(event)
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body
