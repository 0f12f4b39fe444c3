"""The site options' import step: paste a station file, see what would change, confirm."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
import probatio

from .adapters.provisioning import async_apply, async_plan, site_lock
from .core.provisioning import ImportPlan, guess_format
from .core.station_file import FileFormat
from .core.words.provisioning import problem_text, problems_text
from .station_file_services import language

CONF_TEXT: Final = "text"
CONF_FORMAT: Final = "format"
# Stations listed by name in the confirmation; a building's worth more are counted.
SHOWN: Final = 50

IMPORT_SCHEMA = probatio.Schema(
    {
        probatio.Optional(CONF_FORMAT): SelectSelector(
            SelectSelectorConfig(
                options=[f.value for f in FileFormat],
                mode=SelectSelectorMode.LIST,
                translation_key="file_format",
            )
        ),
        probatio.Required(CONF_TEXT): TextSelector(TextSelectorConfig(multiline=True)),
    }
)


def _listed(lines: Iterable[str]) -> str:
    items = list(lines)
    shown = [f"- {line}" for line in items[:SHOWN]]
    if len(items) > SHOWN:
        shown.append(f"- … (+{len(items) - SHOWN})")
    return "\n".join(shown) or "—"


class StationImportSteps(OptionsFlow):
    """Import stations from a pasted file: nothing changes before the person confirms."""

    _text: str = ""
    _format: FileFormat = FileFormat.YAML

    async def _async_plan(self) -> ImportPlan:
        return await async_plan(self.hass, self.config_entry, self._text, self._format)

    def _show_import(self, problems: str, errors: dict[str, str]) -> ConfigFlowResult:
        suggested = {CONF_TEXT: self._text, CONF_FORMAT: self._format.value}
        return self.async_show_form(
            step_id="import_stations",
            data_schema=self.add_suggested_values_to_schema(IMPORT_SCHEMA, suggested),
            description_placeholders={"problems": problems},
            errors=errors,
        )

    async def async_step_import_stations(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Paste the file; every problem is listed with its line and field."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="site_not_loaded")
        if user_input is None:
            return self._show_import("", {})
        self._text = user_input[CONF_TEXT]
        chosen = user_input.get(CONF_FORMAT)
        self._format = FileFormat(chosen) if chosen else guess_format(self._text)
        plan = await self._async_plan()
        if not plan.valid:
            problems = problems_text(language(self.hass), plan.problems)
            return self._show_import(problems, {"base": "invalid_station_file"})
        return self._show_confirm(plan)

    def _show_confirm(self, plan: ImportPlan) -> ConfigFlowResult:
        words = language(self.hass)
        return self.async_show_form(
            step_id="import_confirm",
            description_placeholders={
                "added_count": str(len(plan.added)),
                "added": _listed(f"{s.title} ({s.key})" for s in plan.added),
                "changed_count": str(len(plan.changed)),
                "changed": _listed(
                    f"{s.title} ({s.key}): {', '.join(s.fields)}" for s in plan.changed
                ),
                "unchanged_count": str(len(plan.unchanged)),
                "not_in_file_count": str(len(plan.not_in_file)),
                "not_in_file": _listed(f"{s.title} ({s.key})" for s in plan.not_in_file),
                "warnings": _listed(problem_text(words, w) for w in plan.warnings),
            },
        )

    async def async_step_import_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Apply the file, read again now: the stations may have changed meanwhile."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="site_not_loaded")
        async with site_lock(self.hass, self.config_entry):
            plan = await self._async_plan()
            if not plan.valid:
                problems = problems_text(language(self.hass), plan.problems)
                return self._show_import(problems, {"base": "invalid_station_file"})
            if user_input is None:
                return self._show_confirm(plan)
            await async_apply(self.hass, self.config_entry, plan)
        return self.async_abort(
            reason="stations_imported",
            description_placeholders={
                "added": str(len(plan.added)),
                "changed": str(len(plan.changed)),
            },
        )
