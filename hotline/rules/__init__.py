"""Rules and scripts as a supervisor changes them: publishing a version (checked first, kept
with who and when, audited), rolling back, the recordings the scripts play, keeping every
process on the version in force (InForce, wired by the composition root), and the dry run
of a change (`dry_run`: who would be offered a call; a simulated week).

Owns the `rule_versions` and `recordings` tables and the published-version signal in
Redis (`published`). Imports the adapters and the core, and the staffing one way (the dry
run: who is on shift, the roster and callers a week is simulated on); the editor's pages
and the composition root call it.
"""
