"""Typed dependencies: the app's state, a database session, and the authorised caller."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from viqa.api.errors import ApiError
from viqa.api.limits import RateLimiter, retry_after
from viqa.api.metrics import Metrics
from viqa.checking import CheckingService
from viqa.jobs.dispatch import Dispatch
from viqa.jobs.runner import JobRunner
from viqa.review.actions import ReviewError
from viqa.settings import Settings
from viqa.store.db import Database
from viqa.store.keys import Principal, Role, authenticate


@dataclass
class AppState:
    settings: Settings
    db: Database
    service: CheckingService
    metrics: Metrics
    limiter: RateLimiter
    dispatch: Dispatch
    runner: JobRunner | None = None


def get_state(request: Request) -> AppState:
    return request.app.state.viqa


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    """A transaction per request. Routes that write commit before they answer: a dependency's
    exit may run after the response is sent, too late for "stored before 202"."""
    with state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(request: Request, state: StateDep) -> Principal:
    header = request.headers.get("authorization", "").strip()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", _missing_key_message(header),
                       headers={"WWW-Authenticate": "Bearer"})
    with state.db.session() as session:
        principal = authenticate(session, token.strip())
    if principal is None:
        raise ApiError(401, "unauthorized",
                       "invalid or revoked API key: `viqa keys list`, run against this "
                       "server's database (VIQA_DATABASE_URL; by default viqa.db in the folder "
                       "the server runs in), shows the keys it accepts and those revoked; "
                       "`viqa keys create --tenant T --role plugin` there makes a new one",
                       headers={"WWW-Authenticate": "Bearer"})
    wait = state.limiter.acquire(principal.key_id)
    if wait:
        raise ApiError(429, "rate_limited", "too many requests for this key",
                       headers={"Retry-After": retry_after(wait)})
    return principal


def _missing_key_message(header: str) -> str:
    """What to send instead of `header` (never echoing it: it may be a key)."""
    if not header:
        return ("missing API key: send 'Authorization: Bearer <key>' (create one with "
                "`viqa keys create --tenant T --role plugin`)")
    if header.startswith("viqa_"):
        return "the Authorization header needs the scheme: send 'Authorization: Bearer <key>'"
    return ("the Authorization header must be 'Bearer <key>' (another scheme or no key was "
            "sent)")


def require(*roles: Role):
    """A dependency admitting only these roles (admin is always admitted)."""

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role != "admin" and principal.role not in roles:
            allowed = " or ".join(dict.fromkeys((*roles, "admin")))
            raise ApiError(403, "forbidden",
                           f"this route needs a key with the role {allowed}; your key's role "
                           f"is {principal.role} (an admin creates one: POST /v1/keys, or "
                           f"`viqa keys create --tenant T --role {roles[0]}`)")
        return principal

    return check


PluginDep = Annotated[Principal, Depends(require("plugin"))]
ReaderDep = Annotated[Principal, Depends(require("plugin", "reviewer"))]
AdminDep = Annotated[Principal, Depends(require("admin"))]
ReviewerDep = Annotated[Principal, Depends(require("reviewer"))]


def from_review(exc: ReviewError) -> ApiError:
    """A review action's refusal as the API's error."""
    return ApiError(exc.status, exc.code, exc.message, field=exc.field)
