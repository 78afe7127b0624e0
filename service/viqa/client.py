"""A small Python client for viqa's HTTP API, for CMS plugin authors (and viqa's own tests).

    from viqa.client import ViqaClient, verify_webhook

    viqa = ViqaClient("http://localhost:8000", api_key)
    report = viqa.check(source=english, translation=vietnamese)
    job = viqa.submit_job(source=english, translation=vietnamese, external_id="article-42",
                          callback_url="https://cms.example.com/viqa-hook",
                          idempotency_key="article-42-v3")
    done = viqa.wait(job["id"])

    # in the webhook handler: raises WebhookVerificationError unless genuine and fresh;
    # the body as bytes or str
    event = verify_webhook(secret, request.headers, request.body)
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from viqa.jobs.signing import WebhookVerificationError
from viqa.jobs.signing import verify as verify_webhook

__all__ = ["ViqaClient", "ViqaError", "ViqaUnreachable", "WebhookVerificationError",
           "verify_webhook"]


class ViqaError(Exception):
    """An error answer from the service: HTTP status, error code, message, field."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.field = status, code, message, field
        self.retry_after = retry_after


class ViqaUnreachable(ViqaError):
    """The service could not be reached or did not answer in time (status 0): nothing was
    answered, so a retry later is safe for checks and for jobs sent with an Idempotency-Key."""

    def __init__(self, base_url: str, cause: Exception) -> None:
        super().__init__(0, "unreachable", f"cannot reach viqa at {base_url} "
                         f"({type(cause).__name__}: {cause}); is `viqa serve` running there?")


class ViqaClient:
    """The API with one key: `ViqaClient("http://127.0.0.1:8000", api_key)`. Every failure
    raises ViqaError (ViqaUnreachable when the service does not answer)."""

    def __init__(self, base_url: str, api_key: str, *, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout,
                                  headers={"Authorization": f"Bearer {api_key}"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ViqaClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:  # refused, DNS, timeouts, broken connections
            raise ViqaUnreachable(self.base_url, exc) from exc
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "http_error", "message": response.text[:200]}
            retry = response.headers.get("Retry-After")
            raise ViqaError(response.status_code, error.get("code", "http_error"),
                            error.get("message", ""), error.get("field"),
                            float(retry) if retry else None)
        return response.json()

    @staticmethod
    def _body(fields: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not None}

    def check(self, *, translation: str | None = None, source: str | None = None,
              segments: list[dict[str, Any]] | None = None, source_lang: str = "en",
              target_lang: str = "vi", format: str = "text", threshold: float | None = None
              ) -> dict[str, Any]:
        """Synchronous check (short inputs); returns the report."""
        return self._call("POST", "/v1/check", json=self._body(dict(
            translation=translation, source=source, segments=segments, source_lang=source_lang,
            target_lang=target_lang, format=format, threshold=threshold)))

    def submit_job(self, *, external_id: str | None = None, callback_url: str | None = None,
                   idempotency_key: str | None = None, **fields: Any) -> dict[str, Any]:
        """Queue an article; returns the job (status "queued", its id and URL)."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        body = self._body({**fields, "external_id": external_id, "callback_url": callback_url})
        return self._call("POST", "/v1/jobs", json=body, headers=headers)

    def job(self, job_id: str) -> dict[str, Any]:
        return self._call("GET", f"/v1/jobs/{job_id}")

    def wait(self, job_id: str, *, timeout: float = 300.0, poll: float = 0.5) -> dict[str, Any]:
        """Poll until the job is done or failed; raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["status"] in ("done", "failed"):
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job['status']} after {timeout}s")
            time.sleep(poll)

    def article(self, external_id: str) -> dict[str, Any]:
        return self._call("GET", f"/v1/articles/{external_id}")
