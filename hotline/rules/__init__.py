"""Rules and scripts as a supervisor changes them: publishing a version (checked first, kept
with who and when, audited), rolling back, the recordings the scripts play, and keeping
every process on the version in force (InForce, wired by the composition root).

Owns the `rule_versions` and `recordings` tables and the published-version signal in
Redis (`published`). Imports the adapters and the core; the editor's pages, the dry run and the
composition root call it.
"""
