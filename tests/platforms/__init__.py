"""One snapshot per platform: every entity of a site with a station, as Home Assistant has it."""
