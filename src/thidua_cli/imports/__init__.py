"""`thidua import`: plan which sheets to read and as which kind, parse them into typed records
and row errors, check them against the database's state, then write everything or nothing.
The entry point is `run_import` in pipeline.py; the SQL lives in store/import_*.py."""
