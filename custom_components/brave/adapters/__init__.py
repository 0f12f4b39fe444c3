"""Adapters: Home Assistant and the network around the pure core, each with one job.

The site (site.py) puts them together: a driver per station (station_driver), the sensing
adapter (sensing), the site's clock and storage (clock, site_storage), the dispatch client and
sender (dispatch_client, dispatch_sender) and its webhook (webhook), alerting and the
responders' channels (alerting, responders), in-room output (room), learned buttons and radar
lookup (learned_buttons, radar_lookup), and device health (health_watcher).
"""
