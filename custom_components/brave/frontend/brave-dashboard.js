// The Brave dashboard: a Lovelace dashboard strategy that finds every Brave station and shows
// each at a glance (state, next step, alert, device health, who is attending), with the site's
// dispatch connection and device health first. Generated from the stations each time the
// dashboard opens, so a site with 80 rooms needs no hand-made cards.
// Add it with Settings -> Dashboards -> Add dashboard -> Brave, or in YAML:
//   strategy: {type: custom:brave}
// Plain JavaScript: Home Assistant serves this file as it is (custom_components/brave/frontend).

const PLATFORM = "brave";
// Station states that need someone's attention (the state sensor's options).
const ATTENTION = [
  "alert",
  "responder_attending",
  "countdown",
  "prompting",
  "cannot_monitor",
  "paused",
];
const byName = new Intl.Collator(undefined, { numeric: true }).compare;

// Brave's devices and their entities, by translation key: stations have a state sensor, sites
// a dispatch connection.
function braveDevices(hass) {
  const devices = new Map();
  for (const entity of Object.values(hass.entities)) {
    if (entity.platform !== PLATFORM || !entity.device_id || !entity.translation_key) continue;
    const keys = devices.get(entity.device_id) ?? {};
    keys[entity.translation_key] = entity.entity_id;
    devices.set(entity.device_id, keys);
  }
  const named = [...devices].map(([id, keys]) => {
    const device = hass.devices[id] ?? {};
    return { name: device.name_by_user || device.name || id, keys };
  });
  named.sort((a, b) => byName(a.name, b.name));
  return {
    stations: named.filter((d) => d.keys.state),
    sites: named.filter((d) => d.keys.dispatch_connected),
  };
}

// Half a section wide unless told otherwise.
const tile = (entity, name, extra = {}) =>
  entity ? [{ type: "tile", entity, name, grid_options: { columns: 6 }, ...extra }] : [];
const FULL_WIDTH = { grid_options: { columns: 12 } };

function siteSection({ name, keys }) {
  return {
    cards: [
      { type: "heading", heading: name, icon: "mdi:shield-account" },
      ...tile(keys.dispatch_connected, "Dispatch"),
      ...tile(keys.site_device_health, "Device health", {
        state_content: ["state", "stations"],
      }),
      ...tile(keys.queued_writes, "Waiting to send"),
      ...tile(keys.last_error, "Last error"),
    ],
  };
}

function attentionSection(stations) {
  const states = stations.map((s) => s.keys.state);
  return {
    cards: [
      { type: "heading", heading: "Needs attention now", icon: "mdi:bell-alert" },
      {
        type: "entity-filter",
        entities: stations.map((s) => ({ entity: s.keys.state, name: s.name })),
        conditions: [{ condition: "state", state: ATTENTION }],
        show_empty: false,
        card: { type: "entities" },
      },
      {
        type: "markdown",
        content: `All ${stations.length} stations are calm.`,
        visibility: states.map((entity) => ({ condition: "state", entity, state_not: ATTENTION })),
      },
    ],
  };
}

function stationSection({ name, keys }) {
  const attending = { condition: "state", entity: keys.state, state: "responder_attending" };
  return {
    cards: [
      {
        type: "heading",
        heading: name,
        icon: "mdi:account-heart",
        badges: keys.device_health
          ? [
              {
                type: "entity",
                entity: keys.device_health,
                color: "red",
                visibility: [{ condition: "state", entity: keys.device_health, state: "on" }],
              },
            ]
          : [],
      },
      ...tile(keys.state, "State", FULL_WIDTH),
      ...tile(keys.next_deadline, "Next step"),
      ...tile(keys.alert, "Alert"),
      ...tile(keys.device_health, "Devices", { state_content: ["state", "faults"] }),
      // Who took the alert: the responder named by the station's last alert step.
      ...tile(keys.alert_steps, "Attending", {
        state_content: ["responder"],
        visibility: [attending],
      }),
    ],
  };
}

class BraveDashboardStrategy extends HTMLElement {
  static async generate(_config, hass) {
    const { stations, sites } = braveDevices(hass);
    const sections = sites.map(siteSection);
    if (stations.length === 0) {
      sections.push({
        cards: [
          {
            type: "markdown",
            content:
              "No Brave stations yet. Add one on the Brave integration: " +
              "**Settings → Devices & services → Brave → Add station**.",
          },
        ],
      });
    } else {
      sections.push(attentionSection(stations), ...stations.map(stationSection));
    }
    return {
      title: "Brave",
      views: [{ title: "Stations", path: "stations", type: "sections", max_columns: 4, sections }],
    };
  }
}

if (!customElements.get("ll-strategy-dashboard-brave")) {
  customElements.define("ll-strategy-dashboard-brave", BraveDashboardStrategy);
  // Offered in Settings -> Dashboards -> Add dashboard.
  window.customStrategies = window.customStrategies || [];
  window.customStrategies.push({
    type: "brave",
    strategyType: "dashboard",
    name: "Brave",
    description: "Every Brave station at a glance, generated from the stations.",
    documentationURL: "https://github.com/brave-home-assistant/brave/blob/main/docs/demo.md",
  });
}
