"""Constants for the Brave integration."""

from typing import Final

DOMAIN: Final = "brave"

# Site entry data (besides url and api_key).
CONF_SITE_ID: Final = "site_id"
# The name the site registered with: one building or program (several can share a service).
CONF_SITE_NAME: Final = "site_name"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_CALLBACK_URL: Final = "callback_url"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"  # noqa: S105 (a key name, not a secret)

# Station subentries.
SUBENTRY_STATION: Final = "station"
SECTION_MODES: Final = "modes"
SECTION_SENSORS: Final = "sensors"
SECTION_PROMPTS: Final = "prompts"
SECTION_RESCUE_PLAN: Final = "rescue_plan"
SECTION_RELEASE: Final = "release"

# The station's area (an area id), suggested for its device.
CONF_AREA: Final = "area"
CONF_ROOM_SENSING: Final = "room_sensing"
CONF_HELP_BUTTON: Final = "help_button"
CONF_CHECK_IN: Final = "check_in"
CONF_RELEASE_ON_HELP: Final = "release_on_help"
CONF_PRESENCE: Final = "presence"
CONF_MOTION: Final = "motion"
CONF_DOOR: Final = "door"
CONF_BUTTONS: Final = "buttons"
CONF_CHECK_IN_GESTURE: Final = "check_in_gesture"
CONF_ANSWER_GESTURE: Final = "answer_gesture"
CONF_PAUSE_GESTURE: Final = "pause_gesture"
CONF_LEARNED_BUTTONS: Final = "learned_buttons"
CONF_LEARN_BUTTON: Final = "learn_button"
CONF_BASE_TOPIC: Final = "base_topic"
CONF_TTS: Final = "tts"
CONF_MEDIA_PLAYER: Final = "media_player"
CONF_LIGHT: Final = "light"
CONF_NOTIFY: Final = "notify"
# An explicit choice to run check-ins or room sensing with no way to ask in the room.
CONF_NO_PROMPT: Final = "no_prompt_channel"
CONF_CALL_EMERGENCY: Final = "call_emergency_services"
CONF_PLAN_NOTES: Final = "plan_notes"
CONF_RESPONDER_GROUPS: Final = "responder_groups"
CONF_LOCATION_LABEL: Final = "location_label"
CONF_ADDRESS: Final = "address"
CONF_UNIT: Final = "unit"
CONF_ACCESS_NOTES: Final = "access_notes"
CONF_CONTACTS: Final = "contacts"

# Site option: when device health reminders may go out (`08:00-20:00`; empty: always).
CONF_OPERATING_HOURS = "operating_hours"
