"""The database: engines and sessions (SQLite pragmas, ``BEGIN IMMEDIATE`` writes, migrations), the
append-only triggers that protect history, and the read queries that return DataFrames.
"""
