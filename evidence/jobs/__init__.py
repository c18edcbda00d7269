"""Check jobs on a job engine (procrastinate, in the store's PostgreSQL database).

* ``engine``  the procrastinate app on the store's database; PostgreSQL or a clear refusal
* ``submit``  an article's bytes stored under a digest, then a job deferred (idempotent)
* ``run``     one job: read, check, store, report; an outage raises to be retried
* ``tasks``   the task as procrastinate runs it, and its retry strategy (outages only)
* ``worker``  a worker process, and the rescue of jobs whose worker died
* ``states``  the one view and serialiser of a job
* ``budget``  the registry's rate and concurrency, shared by every process of a contact
* ``claims``  DOIs being asked for, so that no two processes ask for one at once

Why procrastinate: docs/jobs.md.
"""
