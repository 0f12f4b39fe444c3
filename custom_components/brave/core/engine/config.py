"""What a station is configured with: its timers, modes, rescue plan and release details."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Timers:
    """Every timer of a station. Defaults are Brave's own."""

    # Room sensing.
    presence_confirm: timedelta = timedelta(seconds=3)
    stillness: timedelta = timedelta(minutes=3)
    duration: timedelta = timedelta(minutes=20)
    duration_repeat: timedelta = timedelta(minutes=20)
    # Check-in sessions.
    check_in_interval: timedelta = timedelta(minutes=5)
    answer_window: timedelta = timedelta(seconds=60)
    # Escalation.
    countdown: timedelta = timedelta(seconds=20)
    reminder: timedelta = timedelta(seconds=120)
    # Help button.
    help_renotify: timedelta = timedelta(minutes=2)
    help_session: timedelta = timedelta(hours=2)
    # However fast presses come, responders hear about them at most this often (the first
    # "urgent" excepted): a storm of presses must not become a storm of messages.
    help_renotify_min: timedelta = timedelta(seconds=30)
    # A pause without an end of its own ends after this; zero keeps it until someone resumes.
    auto_resume: timedelta = timedelta(minutes=60)


class ContactRole(StrEnum):
    """Who a released contact is to the occupant."""

    NALOXONE_NEARBY = "naloxone_nearby"
    FRIEND = "friend"
    STAFF = "staff"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone the occupant wants responders to be able to reach."""

    name: str
    phone: str
    role: ContactRole = ContactRole.OTHER


@dataclass(frozen=True, slots=True)
class Location:
    """Where the station is. Released only past the release point."""

    label: str
    address: str = ""
    unit: str = ""
    access_notes: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class ReleaseDetails:
    """What responders learn once the occupant is unresponsive past the countdown."""

    location: Location
    contacts: tuple[Contact, ...] = ()


# The volunteer dispatch service, the site's first responders, its staff.
RESPONDER_GROUPS = ("dispatch", "first_responders", "staff")


@dataclass(frozen=True, slots=True)
class RescuePlan:
    """The occupant's own choices about who comes."""

    # Who is called, in order; see RESPONDER_GROUPS.
    groups: tuple[str, ...] = ("dispatch", "first_responders")
    call_emergency_services: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class StationConfig:
    """One monitored place or person."""

    # Opaque and stable: never a name or a room number.
    station_id: str
    label: str
    release: ReleaseDetails
    room_sensing: bool = False
    help_button: bool = True
    check_in: bool = True
    has_door: bool = False
    # The presence sensor reports moving/still; otherwise any change counts as movement.
    has_motion: bool = False
    # A help request is the occupant's own call for help: release details with it (contract).
    release_on_help: bool = True
    rescue_plan: RescuePlan = field(default_factory=RescuePlan)
    timers: Timers = field(default_factory=Timers)
    urgent_at_press: int = 2
    renotify_every_presses: int = 5
    # Reminder number that also tells the fallback group, and the one that is final.
    fallback_at_reminder: int = 2
    final_at_reminder: int = 3
