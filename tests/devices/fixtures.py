"""Radar fixtures: real device and entity shapes per model and stack (tests/fixtures/radars)."""

from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

from custom_components.brave.core.radar import DeviceFacts, EntityFacts

RADARS = Path(__file__).parents[1] / "fixtures" / "radars"


@dataclass(frozen=True, slots=True)
class Radar:
    """One radar model on one stack, as Home Assistant's registries and states show it."""

    name: str
    raw: dict[str, Any]

    @property
    def device(self) -> DeviceFacts:
        d = self.raw["device"]
        return DeviceFacts(d["manufacturer"], d["model"], d["model_id"])

    @property
    def entities(self) -> list[dict[str, Any]]:
        return list(self.raw["entities"])

    @property
    def presence(self) -> str:
        return str(self.raw["presence"])

    @property
    def movement(self) -> str | None:
        return self.raw["movement"]

    def siblings(self) -> list[EntityFacts]:
        """The device's enabled entities other than the presence sensor."""
        return [
            facts(entity)
            for entity in self.entities
            if not entity["disabled"] and entity["entity_id"] != self.presence
        ]


def facts(entity: dict[str, Any]) -> EntityFacts:
    return EntityFacts(
        entity_id=entity["entity_id"],
        platform=entity["platform"],
        unique_id=entity["unique_id"],
        translation_key=entity["translation_key"],
        original_name=entity["original_name"],
        original_device_class=entity["original_device_class"],
    )


def load(name: str) -> Radar:
    return Radar(name, json.loads((RADARS / f"{name}.json").read_text(encoding="utf-8")))


ALL = sorted(path.stem for path in RADARS.glob("*.json"))
WITH_MOVEMENT = [name for name in ALL if load(name).movement is not None]
