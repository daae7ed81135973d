"""The schema version this code writes; bumped with every incompatible schema change."""

SCHEMA_VERSION = 1
