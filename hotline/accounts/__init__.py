"""Accounts: who may sign in to the console and the supervisor's pages, with which role and
language; passwords (argon2), the sign-in lock-out (Redis), the demo's sign-ins.

Owns the `users` table's use cases and the `hotline:signin:*` keys. Imports the platform
and the core only; the web pages and the CLI call `service`.
"""
