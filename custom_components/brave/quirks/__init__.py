"""Zigpy quirks for ZHA that users copy into ZHA's custom quirks folder (see docs/quirks.md).

The integration does not import these modules: ZHA loads them from the folder named by
`zha: custom_quirks_path:` in configuration.yaml.
"""
