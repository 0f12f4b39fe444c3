"""Packaging rules that HACS and hassfest enforce, checked here because neither runs offline."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import struct
from typing import Any

from awesomeversion import AwesomeVersion
import pytest

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "brave"
LANGUAGES = ("en", "fr", "es")

# hassfest's manifest schema for custom integrations (the subset this project uses).
REQUIRED_MANIFEST_KEYS = {
    "domain",
    "name",
    "codeowners",
    "config_flow",
    "dependencies",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "requirements",
    "version",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
    "virtual",
}
# Keys HACS accepts in hacs.json.
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
    "render_readme",
}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_keys_and_order() -> None:
    manifest = _load(INTEGRATION / "manifest.json")
    keys = list(manifest)
    # hassfest: domain, name, then the rest sorted.
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert set(keys) >= REQUIRED_MANIFEST_KEYS
    assert manifest["domain"] == "brave"
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["integration_type"] in INTEGRATION_TYPES
    assert AwesomeVersion(manifest["version"]).valid
    assert all(owner.startswith("@") for owner in manifest["codeowners"])
    assert manifest["documentation"].startswith("https://")
    assert manifest["issue_tracker"].startswith("https://")


def test_hacs_json() -> None:
    hacs = _load(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"]
    assert AwesomeVersion(hacs["homeassistant"]) == AwesomeVersion("2026.10.0")


def test_brand_icon_is_a_256px_png() -> None:
    data = (INTEGRATION / "brand" / "icon.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (256, 256)


# The flows, and the station rules whose codes are the station form's errors.
FLOW_MODULES = ("config_flow.py", "import_flow.py", "core/station_rules.py")


def _flow_strings() -> dict[str, set[str]]:
    """Step ids, errors and abort reasons that the flows can produce."""
    found: dict[str, set[str]] = {"step": set(), "error": set(), "abort": set()}
    for module in FLOW_MODULES:
        tree = ast.parse((INTEGRATION / module).read_text(encoding="utf-8"))
        _collect_flow_strings(tree, found)
    return found


def _collect_flow_strings(  # noqa: PLR0912 (one branch per kind of string)
    tree: ast.Module, found: dict[str, set[str]]
) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "_error_key":
            found["error"] |= {
                r.value.value
                for r in ast.walk(node)
                if isinstance(r, ast.Return) and isinstance(r.value, ast.Constant)
            }
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0].value
            # errors["base"] = _error_key(err) is covered by _error_key's returns above.
            if (
                isinstance(target, ast.Name)
                and target.id == "errors"
                and isinstance(node.value, ast.Constant)
            ):
                found["error"].add(node.value.value)
        elif isinstance(node, ast.Dict):
            # {"base": "invalid_station_file"}
            found["error"] |= {
                v.value
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "base"
                if isinstance(v, ast.Constant)
            }
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            # RuleProblem("presence_required", ...): the station form shows the code.
            if node.func.id == "RuleProblem" and isinstance(node.args[0], ast.Constant):
                found["error"].add(node.args[0].value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "_abort_if_unique_id_configured":
                found["abort"].add("already_configured")
            if node.func.attr == "async_update_and_abort":
                found["abort"].add("reconfigure_successful")
            if node.func.attr == "async_update_reload_and_abort":
                found["abort"].add("reauth_successful")
            for keyword in node.keywords:
                if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant):
                    found["abort"].add(keyword.value.value)
                if keyword.arg == "step_id" and isinstance(keyword.value, ast.Constant):
                    found["step"].add(keyword.value.value)


def test_translations_cover_the_config_flows() -> None:
    strings = _flow_strings()
    assert strings["step"] == {
        "user",
        "reconfigure",
        "reauth_confirm",
        "init",
        "responders",
        "import_stations",
        "import_confirm",
        "learn_button",
        "no_press",
        "button_gestures",
    }
    assert {
        "cannot_connect",
        "invalid_auth",
        "presence_required",
        "invalid_station_file",
    } <= strings["error"]
    translations = _load(INTEGRATION / "translations" / "en.json")
    flows = [
        translations["config"],
        translations["config_subentries"]["station"],
        translations["options"],
    ]
    for kind, names in strings.items():
        for name in names:
            assert any(name in flow.get(kind, {}) for flow in flows), (
                f"no translation: {kind} {name}"
            )
    site = translations["config"]["step"]["user"]
    for field in ("url", "api_key"):
        assert site["data"][field]
        assert site["data_description"][field]
    station = translations["config_subentries"]["station"]
    assert set(station["initiate_flow"]) == {"user", "reconfigure"}
    for step in ("user", "reconfigure"):
        assert set(station["step"][step]["sections"]) == {
            "modes",
            "sensors",
            "prompts",
            "rescue_plan",
            "release",
        }


def test_services_are_described_and_translated() -> None:
    import yaml  # noqa: PLC0415 (only this test reads YAML)

    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    translations = _load(INTEGRATION / "translations" / "en.json")["services"]
    assert set(services) == set(translations)
    for name, service in services.items():
        assert set(service["fields"]) == set(translations[name]["fields"])


def _keys(tree: Any, prefix: str = "") -> set[str]:
    if not isinstance(tree, dict):
        return {prefix}
    return {key for name, sub in tree.items() for key in _keys(sub, f"{prefix}/{name}")}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_every_string(language: str) -> None:
    english = _keys(_load(INTEGRATION / "translations" / "en.json"))
    other = _keys(_load(INTEGRATION / "translations" / f"{language}.json"))
    assert other == english


def test_icons_match_entities_and_services() -> None:
    icons = _load(INTEGRATION / "icons.json")
    translations = _load(INTEGRATION / "translations" / "en.json")
    for platform, entities in icons["entity"].items():
        assert set(entities) == set(translations["entity"][platform]), platform
    assert set(icons["services"]) == set(translations["services"])


def test_quality_scale_records_every_rule() -> None:
    """Every rule of bronze to platinum is done or exempt with a reason; none is to do.

    The rules are read from a platinum integration of the Home Assistant release in use, so a
    rule that Home Assistant adds shows here.
    """
    from homeassistant import components  # noqa: PLC0415
    import yaml  # noqa: PLC0415 (only these tests read YAML)

    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8"))
    reference = Path(components.__file__).parent / "bosch_alarm" / "quality_scale.yaml"
    every_rule = set(yaml.safe_load(reference.read_text(encoding="utf-8"))["rules"])
    assert set(rules["rules"]) == every_rule
    for name, rule in rules["rules"].items():
        status = rule if isinstance(rule, str) else rule["status"]
        assert status in {"done", "exempt"}, name
        if status == "exempt":
            assert rule["comment"], f"{name}: an exemption needs its reason"
