"""Reference Volunteer Dispatch API v1 server, for tests and local development.

Runs on loopback only. It speaks the contract in DISPATCH_API.md so the integration can be
exercised over real HTTP; it is not meant for production dispatch.
"""
