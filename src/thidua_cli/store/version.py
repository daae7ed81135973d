"""The schema version this code writes; bumped with every schema change, which always comes with
its in-place upgrade in `migrate.py`."""

SCHEMA_VERSION = 2
