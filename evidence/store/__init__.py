"""The store: SQLAlchemy models, migrations and queries. The database is the cache.

* ``engine``   make_engine(url), upgrade(engine), open_store(url), session_factory(engine)
* ``models``   the tables (typed SQLAlchemy 2.0 models); every change is an Alembic revision
* ``convert``  refs.Work <-> rows, losslessly
* ``queries``  works and the registry's "not found" answers (session first, never commit)
* ``articles`` what makes two texts one document, one version, one claim
* ``saving``   saving a checked article as a new version (``save_check``, ``store_check``)
* ``newest``   which version is newest; ``SupersededVersion`` when a writer's is not
* ``carry_over`` editors' work on one version carried to the next
"""
