"""The store: SQLAlchemy models, migrations and queries. The database is the cache.

* ``engine``   make_engine(url), upgrade(engine), open_store(url), session_factory(engine)
* ``models``   the tables (typed SQLAlchemy 2.0 models); every change is an Alembic revision
* ``convert``  refs.Work <-> rows, losslessly
* ``queries``  works and the registry's "not found" answers (session first, never commit)
"""
