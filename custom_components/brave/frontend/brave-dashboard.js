// The Brave dashboard: a Lovelace dashboard strategy that finds every Brave station and shows
// each at a glance (state, next step, alert, device health, who is attending), with the site's
// dispatch connection and device health first, and for each station a page in plain words of
// what is shared, with whom and when (the brave/what_is_shared websocket command, in the
// reader's language). Generated from the stations each time the dashboard opens, so a site
// with 80 rooms needs no hand-made cards. A second view shows the program's numbers, graphed
// from the long-term statistics each site keeps (docs/drills-and-statistics.md).
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
      ...tile(keys.program_summary, "Alerts this month"),
      ...tile(keys.drill_report, "Last drill"),
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
      // A test alert is not a call for help: listed apart, and never "needs attention".
      {
        type: "entity-filter",
        entities: stations.map((s) => ({ entity: s.keys.state, name: s.name })),
        conditions: [{ condition: "state", state: ["test"] }],
        show_empty: false,
        card: { type: "entities", title: "Test alerts (not a call for help)" },
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

// How responders closed alerts (core/engine/events.py Outcome).
const OUTCOMES = [
  "overdose",
  "emergency",
  "medical",
  "occupant_ok",
  "space_empty",
  "safer_use",
  "conflict",
  "test",
  "technical_issue",
  "other",
];
const KINDS = ["help_request", "stillness", "duration", "missed_check_in"];
// This month's figures, from the site's summary sensor's attributes.
const SUMMARY_ROWS = [
  ["Alerts (tests not included)", null, ""],
  ["Test alerts", "test_alerts", ""],
  ["Acknowledged", "acknowledged", ""],
  ["Median time to acknowledgement", "median_time_to_acknowledge_s", " s"],
  ["Responders on scene", "on_scene", ""],
  ["Median time to on scene", "median_time_to_on_scene_s", " s"],
  ["Closed: occupant okay", "outcome_occupant_ok", ""],
  ["Closed: overdose", "outcome_overdose", ""],
  ["False-alarm share", "false_alarm_percent", " %"],
  ["Visits monitored", "visits", ""],
  ["Check-in sessions", "check_in_sessions", ""],
  ["Device faults", "device_faults", ""],
  ["Device uptime", "uptime_percent", " %"],
];

function summaryCard(entity) {
  // A figure with no value yet (no alert acknowledged this month) shows as a dash.
  const value = (attribute, unit) =>
    attribute
      ? `{% set v = state_attr('${entity}', '${attribute}') %}` +
        `{{ '-' if v is none else v ~ '${unit}' }}`
      : `{{ states('${entity}') }}`;
  const rows = SUMMARY_ROWS.map(([label, attr, unit]) => `| ${label} | ${value(attr, unit)} |`);
  return {
    type: "markdown",
    content: [
      `### This month ({{ state_attr('${entity}', 'month') }})`,
      "| | |",
      "|---|---:|",
      ...rows,
    ].join("\n"),
  };
}

// A graph of the site's long-term statistics, by month over the last year.
function graph(prefix, title, series, extra = {}) {
  return {
    type: "statistics-graph",
    title,
    entities: series.map((name) => `${prefix}_${name}`),
    period: "month",
    days_to_show: 365,
    chart_type: "bar",
    stat_types: ["change"],
    ...extra,
  };
}

// Each station's own series (station_<id>_alerts, ..._device_faults), when the recorder runs.
async function stationSeries(hass, prefix, what) {
  if (typeof hass.callWS !== "function") return [];
  try {
    const found = await hass.callWS({
      type: "recorder/list_statistic_ids",
      statistic_type: "sum",
    });
    return found
      .map((s) => s.statistic_id)
      .filter((id) => id.startsWith(`${prefix}_station_`) && id.endsWith(`_${what}`))
      .sort();
  } catch (_err) {
    return [];
  }
}

async function statisticsSection(hass, { name, keys }) {
  const prefix = hass.states?.[keys.program_summary]?.attributes?.statistic_prefix;
  if (!prefix) return null;
  const byStation = async (title, what) => {
    const ids = await stationSeries(hass, prefix, what);
    return ids.length ? [{ ...graph(prefix, title, []), entities: ids }] : [];
  };
  const mean = (stat) => ({ chart_type: "line", stat_types: ["mean", stat] });
  return {
    column_span: 2,
    cards: [
      {
        type: "heading",
        heading: `${name}: the program's numbers`,
        icon: "mdi:chart-box-outline",
      },
      summaryCard(keys.program_summary),
      graph(prefix, "Alerts by kind", KINDS.map((kind) => `alerts_${kind}`)),
      ...(await byStation("Alerts by station", "alerts")),
      graph(prefix, "Alerts and test alerts", ["alerts", "test_alerts"]),
      graph(prefix, "Acknowledged and on scene", ["acknowledged", "on_scene"]),
      graph(
        prefix,
        "Time to acknowledgement and on scene",
        ["time_to_acknowledge", "time_to_on_scene"],
        mean("max"),
      ),
      graph(prefix, "Outcomes", OUTCOMES.map((outcome) => `outcome_${outcome}`)),
      graph(prefix, "Visits and check-in sessions monitored", ["visits", "check_in_sessions"]),
      graph(prefix, "Device faults", ["device_faults"]),
      ...(await byStation("Device faults by station", "device_faults")),
      graph(prefix, "Device uptime", ["uptime"], mean("min")),
    ],
  };
}

async function statisticsView(hass, sites) {
  const sections = (await Promise.all(sites.map((site) => statisticsSection(hass, site)))).filter(
    Boolean,
  );
  if (sections.length === 0) {
    sections.push({
      cards: [{ type: "markdown", content: "No program statistics yet: add a Brave site." }],
    });
  }
  return { title: "Statistics", path: "statistics", type: "sections", max_columns: 2, sections };
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
        await statisticsView(hass, sites),
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
    description: "Every Brave station at a glance, and the program's numbers.",
    documentationURL: "https://github.com/brave-home-assistant/brave/blob/main/docs/demo.md",
  });
}
