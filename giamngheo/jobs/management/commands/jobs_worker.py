from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run a worker for background jobs on the configured queue: the database queue (db_worker) without "
        "REDIS_URL, RQ on Redis with it. Start as many as needed, on any machine that reaches the database "
        "(and Redis)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="run the waiting jobs, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS_BACKEND
        queue = settings.JOBS_QUEUE
        if backend == "database":
            extra = ["--batch"] if options["burst"] else []
            call_command("db_worker", "--queue-name", queue, "--no-reload", *extra)
        elif backend == "redis":
            extra = ["--burst"] if options["burst"] else []
            call_command("rqworker", queue, "--job-class", "django_tasks_rq.Job", *extra)
        else:
            self.stdout.write(f"TASKS_BACKEND={backend}: jobs run inside the web process; no worker needed.")
