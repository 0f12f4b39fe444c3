"""Reference Volunteer Dispatch API v1 server with a responder desk.

It speaks the contract in DISPATCH_API.md (the tests and scripts/develop run it), and a small
organisation can run it for its own building: see docs/dispatch-server.md.
"""
