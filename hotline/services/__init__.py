"""Services: one use case each, between the thin entrypoints and the core and adapters."""
