"""The app in this process, reached through httpx's ASGI transport: real routes, real
middleware, a real SQLite database and a real job runner, without a server or a port."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from viqa.api.app import create_app
from viqa.checking import CheckingService
from viqa.settings import Settings
from viqa.store.db import Database
from viqa.store.keys import create_key

DISSOLUTION = {
    "id": "dissolution",
    "source": "In 2023, the province admitted 1,214 new Party members, reaching 101.17% of the "
              "target.",
    "translation": "Năm 2023, tỉnh có 1.214 đảng viên được đào tạo, đạt tỷ lệ giải thể 101,17%.",
    "backtranslation": "In 2023, the province had 1,214 party members trained, achieving a "
                       "dissolution rate of 101.17%.",
}
"""The seed article's broken sentence, with the back-translation that shows it."""


def settings_for(tmp: Path, **overrides: object) -> Settings:
    """SQLite in `tmp`, no MT (none can be pulled here), caches in memory, fast polling."""
    base: dict[str, object] = {"database_url": f"sqlite:///{tmp / 'viqa.db'}",
                               "mt_enabled": False, "cache_url": "memory",
                               "runner_poll_s": 0.05, "auto_pull": False}
    return Settings(**{**base, **overrides})  # type: ignore[arg-type]


@dataclass
class InProcess:
    app: FastAPI
    settings: Settings
    http: httpx.AsyncClient

    def key(self, tenant: str, role: str) -> str:
        with Database(self.settings.database_url).session() as session:
            return create_key(session, tenant, role)  # type: ignore[arg-type]

    def headers(self, tenant: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key(tenant, role)}"}

    async def wait(self, job_id: str, headers: dict[str, str], timeout: float = 120) -> dict:
        import anyio

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = await self.http.get(f"/v1/jobs/{job_id}", headers=headers)
            if response.status_code == 429:  # polled past the key's rate limit: a slow job
                await anyio.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            job = response.json()
            if job["status"] in ("done", "failed"):
                return job
            await anyio.sleep(0.05)
        raise TimeoutError(job_id)

    async def submit(self, headers: dict[str, str], article: dict) -> dict:
        """Submit `article` as a job and return it done (asserting it was accepted and done)."""
        accepted = await self.http.post("/v1/jobs", json=article, headers=headers)
        assert accepted.status_code == 202, accepted.text
        job = await self.wait(accepted.json()["id"], headers)
        assert job["status"] == "done"
        return job


@asynccontextmanager
async def in_process(settings: Settings, service: CheckingService | None = None
                     ) -> AsyncIterator[InProcess]:
    app = create_app(settings, service=service)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://viqa.test",
                                     timeout=120) as http:
            yield InProcess(app, settings, http)
