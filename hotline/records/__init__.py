"""The database adapter: the only package that touches the SQLAlchemy session."""
