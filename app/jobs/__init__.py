"""Long work off the web request: the job table, the registry of job functions, the worker.

Domains register the functions they offer (``app.jobs.registry.register``) and queue jobs
with ``app.jobs.services.enqueue_job`` in their own transaction; ``flask jobs work`` runs
them after the commit. This package imports no domain.
"""
