"""The Redis adapter: the only package that issues Redis commands."""
