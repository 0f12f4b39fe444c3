// The Brave dashboard: a Lovelace dashboard strategy that finds every Brave station and shows
// each at a glance (state, next step, alert, device health, who is attending), with the site's
// dispatch connection and device health first, and for each station a page in plain words of
// what is shared, with whom and when (the brave/what_is_shared websocket command, in the
// reader's language). Generated from the stations each time the dashboard opens, so a site
// with 80 rooms needs no hand-made cards.
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
    return { id, name: device.name_by_user || device.name || id, keys };
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

// Every station's "what's shared" page, or null when Home Assistant cannot say (an older
// Brave, or no connection): the dashboard then shows the stations without it.
async function sharedPages(hass) {
  if (!hass.callWS) return null;
  try {
    const { title, stations } = await hass.callWS({
      type: "brave/what_is_shared",
      language: hass.language,
    });
    return { title, byDevice: new Map(stations.map((s) => [s.device_id, s.sections])) };
  } catch (_err) {
    return null;
  }
}

// Room names are the site's own words: shown as written, never read as markdown.
const plain = (text) => text.replace(/[\\`*_[\]#|~]/g, "\\$&").replace(/</g, "&lt;");
// The page's path, next to the stations view of whichever dashboard shows it.
const dashboardPath = () => `/${window.location.pathname.split("/")[1]}`;
const sharedPath = (id) => `shared-${id}`;

function sharedView({ id, name }, title, sections) {
  const content = sections
    .map((s) => `### ${plain(s.heading)}\n${s.lines.map((l) => `- ${plain(l)}`).join("\n")}`)
    .join("\n\n");
  return {
    title: `${name}: ${title}`,
    path: sharedPath(id),
    subview: true,
    back_path: `${dashboardPath()}/stations`,
    type: "sections",
    max_columns: 2,
    sections: [
      {
        cards: [
          { type: "heading", heading: title, icon: "mdi:shield-lock-outline" },
          { type: "markdown", content, ...FULL_WIDTH },
        ],
      },
    ],
  };
}

function stationSection({ id, name, keys }, shared) {
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
      ...(shared?.byDevice.has(id)
        ? [
            {
              type: "button",
              name: shared.title,
              icon: "mdi:shield-lock-outline",
              show_state: false,
              tap_action: {
                action: "navigate",
                navigation_path: `${dashboardPath()}/${sharedPath(id)}`,
              },
              grid_options: { columns: 6, rows: 1 },
            },
          ]
        : []),
    ],
  };
}

class BraveDashboardStrategy extends HTMLElement {
  static async generate(_config, hass) {
    const { stations, sites } = braveDevices(hass);
    const shared = stations.length ? await sharedPages(hass) : null;
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
      sections.push(
        attentionSection(stations),
        ...stations.map((station) => stationSection(station, shared)),
      );
    }
    const pages = stations
      .filter((s) => shared?.byDevice.has(s.id))
      .map((s) => sharedView(s, shared.title, shared.byDevice.get(s.id)));
    return {
      title: "Brave",
      views: [
        { title: "Stations", path: "stations", type: "sections", max_columns: 4, sections },
        ...pages,
      ],
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
