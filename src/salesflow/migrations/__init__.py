"""Alembic migrations: each schema change upgrades an existing database in place.

HEAD is the newest revision; db.migrate() compares the stored version with it so that an
up-to-date database costs one SELECT and never imports Alembic. A test checks that HEAD
matches the newest file in versions/.
"""

HEAD = "0011"
