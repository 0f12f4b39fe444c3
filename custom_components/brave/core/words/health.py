"""What the site's device-health contacts are told."""

from __future__ import annotations

from ..health import Fault, Notice, NoticeKind
from . import pick

_TEXTS = {
    "en": {
        NoticeKind.FIRST: "{station}: {device} needs attention ({fault}).",
        NoticeKind.REMINDER: "Reminder - {station}: {device} still needs attention ({fault}).",
        NoticeKind.RECOVERED: "{station}: {device} is back ({fault} cleared).",
    },
    "fr": {
        NoticeKind.FIRST: "{station} : {device} demande une intervention ({fault}).",
        NoticeKind.REMINDER: "Rappel - {station} : {device} demande toujours une intervention "
        "({fault}).",
        NoticeKind.RECOVERED: "{station} : {device} fonctionne de nouveau ({fault} réglé).",
    },
    "es": {
        NoticeKind.FIRST: "{station}: {device} necesita atención ({fault}).",
        NoticeKind.REMINDER: "Recordatorio - {station}: {device} sigue necesitando atención "
        "({fault}).",
        NoticeKind.RECOVERED: "{station}: {device} funciona de nuevo ({fault} resuelto).",
    },
}


_FAULT_WORDS = {
    "en": {
        Fault.UNAVAILABLE: "unavailable",
        Fault.SILENT: "not reporting",
        Fault.BATTERY_LOW: "battery low",
        Fault.STUCK: "stuck on occupied",
    },
    "fr": {
        Fault.UNAVAILABLE: "indisponible",
        Fault.SILENT: "ne transmet plus",
        Fault.BATTERY_LOW: "pile faible",
        Fault.STUCK: "bloqué sur occupé",
    },
    "es": {
        Fault.UNAVAILABLE: "no disponible",
        Fault.SILENT: "no reporta",
        Fault.BATTERY_LOW: "batería baja",
        Fault.STUCK: "atascado en ocupado",
    },
}


def health_text(language: str, notice: Notice, station: str) -> str:
    """The message to health contacts for one notice."""
    fault = pick(_FAULT_WORDS, language)[notice.fault]
    return pick(_TEXTS, language)[notice.kind].format(
        station=station, device=notice.device, fault=fault
    )
