"""Running trainings for many people at once: a run in a thread or a worker process, and the server-wide
limit and queue."""
