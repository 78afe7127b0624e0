"""Review pages, signed in with a reviewer (or admin) key: a session cookie and a CSRF token
on every form. Every action here is also an API route (viqa.api.routes.review); both call
`viqa.review.actions`."""

from __future__ import annotations

import hmac
import secrets
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy.orm import Session

from viqa.api.deps import SessionDep, from_review
from viqa.api.errors import ApiError
from viqa.glossary import Glossary, GlossaryError
from viqa.review import actions
from viqa.review import calibration as calibration_lib
from viqa.review.views import STATUSES, FlagView, queue
from viqa.store import decisions as decision_store
from viqa.store import glossaries as glossary_store
from viqa.store import tenants as tenant_store
from viqa.store.keys import Principal, authenticate, is_live
from viqa.store.models import as_utc
from viqa.web.highlight import pieces, word_spans

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def when(moment: datetime | None) -> Markup:
    """A stored time as a <time> element: UTC, with the zone written out."""
    if moment is None:
        return Markup("")
    moment = as_utc(moment).astimezone(UTC)
    return Markup('<time datetime="{}">{}</time>').format(
        moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        moment.strftime("%Y-%m-%d %H:%M UTC"))


templates.env.filters["when"] = when
router = APIRouter(prefix="/review", include_in_schema=False)


class NeedsLogin(Exception):
    pass


class PageError(Exception):
    """A page the signed-in reviewer cannot see: answered with an HTML page that says why and
    where to go, not the API's JSON."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def error_page(request: Request, exc: PageError) -> HTMLResponse:
    data = request.session.get("principal")
    response = render(request, "error.html", Principal(**data) if data else None,
                      title=exc.title, message=exc.message)
    response.status_code = exc.status
    return response


def _page_error(exc: actions.ReviewError) -> PageError:
    titles = {404: "Not found", 403: "Not allowed", 409: "Ambiguous", 422: "Not accepted"}
    return PageError(exc.status, titles.get(exc.status, "Cannot do that"), exc.message)


def current_reviewer(request: Request, session: SessionDep) -> Principal:
    data = request.session.get("principal")
    if not data:
        raise NeedsLogin
    if not is_live(session, data["key_id"]):
        request.session.clear()
        raise NeedsLogin
    return Principal(**data)


ReviewerPage = Annotated[Principal, Depends(current_reviewer)]


def check_csrf(request: Request, token: str | None) -> None:
    expected = request.session.get("csrf", "")
    if not token or not expected or not hmac.compare_digest(token, expected):
        raise ApiError(403, "csrf", "missing or invalid CSRF token; reload the page")


def render(request: Request, name: str, principal: Principal | None, **context: Any
           ) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {
        "principal": principal, "csrf": request.session.get("csrf", ""), **context})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, error: str | None = None) -> HTMLResponse:
    request.session.setdefault("csrf", secrets.token_urlsafe(24))
    return render(request, "login.html", None, error=error)


@router.post("/login")
def login(request: Request, session: SessionDep, key: Annotated[str, Form(max_length=300)],
          csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    principal = authenticate(session, key.strip())
    if principal is None or principal.role not in ("reviewer", "admin"):
        return RedirectResponse("/review/login?error=1", status_code=303)
    request.session.clear()
    request.session["principal"] = {"key_id": principal.key_id, "tenant_id": principal.tenant_id,
                                    "tenant": principal.tenant, "role": principal.role}
    request.session["csrf"] = secrets.token_urlsafe(24)
    return RedirectResponse("/review", status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/review/login", status_code=303)


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, principal: ReviewerPage,
               severity: str | None = None, check: str | None = None,
               article: str | None = None, status: str | None = None) -> HTMLResponse:
    found = queue(session, principal.tenant_id, severity=severity or None,
                  check=check or None, article=article or None, status=status or None)
    everything = queue(session, principal.tenant_id).items
    checks = Counter(code for item in everything for code in item.codes)
    articles = Counter(item.external_id or item.job_id for item in everything)
    severities = Counter(item.severity for item in everything)
    return render(request, "queue.html", principal, queue=found, statuses=STATUSES,
                  cards=[(f, _card_text(f)) for f in found.items],
                  checks=sorted(checks.items()), articles=sorted(articles.items()),
                  severities=severities, total=len(everything),
                  filters={"severity": severity or "", "check": check or "",
                           "article": article or "", "status": status or ""})


def _card_text(card: FlagView) -> dict[str, list]:
    """A queue card's source and translation, the card's words highlighted on its side."""
    start = card.offset - (card.source_offset if card.side == "source" else card.sentence_offset)
    span = [(start, start + card.length, _mark(card.severity, card.approximate))]
    whole = card.length >= len((card.source if card.side == "source" else card.translation) or "")
    return {"source": pieces(card.source or "", span if card.side == "source" and not whole
                             else []),
            "translation": pieces(card.translation, span if card.side == "translation"
                                  and not whole else [])}


def _mark(severity: str, approximate: bool) -> str:
    """CSS classes of a flag's words: `approx` when they were placed by alignment."""
    return f"hl {severity} approx" if approximate else f"hl {severity}"


def _sentence_rows(views) -> list[dict[str, Any]]:
    rows = []
    for view in views:
        s = view.sentence
        translation_spans = [(f.offset - s["offset"], f.offset - s["offset"] + f.length,
                              _mark(f.severity, f.approximate)) for f in view.flags
                             if f.side == "translation" and f.length < len(s["translation"])]
        meaning = s.get("meaning") or {}
        source_spans = word_spans(s["source"], meaning.get("lost", []), "hl lost")
        source_spans += [(f.offset - (s["source_offset"] or 0),
                          f.offset - (s["source_offset"] or 0) + f.length, f"hl {f.severity}")
                         for f in view.flags if f.side == "source"]
        verdict = view.verdict  # with the flags' current statuses
        rows.append({
            "sentence": {**s, "flagged": verdict.flagged, "risk": verdict.risk,
                         "severity": str(verdict.severity) if verdict.severity else None},
            "flags": view.flags,
            "correction": next((f.correction for f in view.flags if f.correction), None),
            "source": pieces(s["source"] or "", source_spans),
            "translation": pieces(s["translation"], translation_spans),
            "backtranslation": pieces(s["backtranslation"] or "",
                                      word_spans(s["backtranslation"], meaning.get("added", []),
                                                 "hl added")),
        })
    return rows


@router.get("/articles/{external_id}", response_class=HTMLResponse)
def article_page(request: Request, external_id: str, session: SessionDep,
                 principal: ReviewerPage) -> HTMLResponse:
    try:
        job, views = actions.article_views(session, principal.tenant_id, external_id)
    except actions.ReviewError as exc:
        raise _page_error(exc) from exc
    columns = {"source": any(v.sentence.get("source") for v in views),
               "backtranslation": any(v.sentence.get("backtranslation") for v in views)}
    approximate = any(f.approximate for v in views for f in v.flags)
    return render(request, "article.html", principal, job=job, rows=_sentence_rows(views),
                  external_id=external_id, columns=columns, approximate=approximate)


@router.get("/articles/{external_id}/export/{kind}")
def article_export(external_id: str, kind: str, session: SessionDep,
                   principal: ReviewerPage) -> Response:
    """The same exports as the API (CSV, XLIFF 2.1, scorecard), for a signed-in reviewer."""
    try:
        made = actions.export_article(session, principal.tenant_id, external_id, kind)
    except actions.ReviewError as exc:
        raise _page_error(exc) from exc
    if isinstance(made.body, dict):
        return JSONResponse(made.body)
    return Response(made.body, media_type=made.media_type)


@router.post("/decision")
def decision(request: Request, session: SessionDep, principal: ReviewerPage,
             job_id: Annotated[str, Form(max_length=36)],
             sentence_id: Annotated[str, Form(max_length=200)],
             action: Annotated[str, Form(max_length=20)],
             flag: Annotated[str, Form(max_length=64)] = "",
             code: Annotated[str, Form(max_length=60)] = "",
             scope: Annotated[str, Form(max_length=10)] = "article",
             csrf: Annotated[str, Form(max_length=100)] = "",
             reason: Annotated[str | None, Form(max_length=2000)] = None,
             correction: Annotated[str | None, Form(max_length=20_000)] = None,
             comment: Annotated[str | None, Form(max_length=5000)] = None,
             next: Annotated[str, Form(max_length=500)] = "/review") -> Response:
    check_csrf(request, csrf or request.headers.get("x-csrf-token"))
    try:
        made = actions.decide_flag(session, principal, job_id, sentence_id, flag or code,
                                   action=action, scope=scope or "article",
                                   reason=reason or None, correction=correction or None,
                                   comment=comment or None)
    except actions.ReviewError as exc:
        raise from_review(exc) from exc
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(asdict(made))
    target = next if next.startswith("/review") else "/review"
    return RedirectResponse(target, status_code=303)


def _admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise PageError(403, "Admins only",
                        f"This page needs an admin key; you are signed in as a {principal.role} "
                        f"of {principal.tenant}. Ask an admin, or sign in with an admin key.")


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, session: SessionDep, principal: ReviewerPage,
                  error: str | None = None, saved: int | None = None,
                  typed: str | None = None) -> HTMLResponse:
    """The tenant's glossary (editable by admins, read-only for reviewers) beside the built-in
    calques that are checked whatever the tenant uploads. `typed`: what a rejected save held,
    given back so the admin can fix it."""
    stored = glossary_store.get_glossary_csv(session, principal.tenant_id) or ""
    entries = glossary_store.get_glossary(session, principal.tenant_id)
    response = render(request, "glossary.html", principal,
                      csv_text=stored if typed is None else typed, error=error, saved=saved,
                      entries=entries.entries if entries else (),
                      builtin=Glossary.builtin().entries)
    if error:
        response.status_code = 422
    return response


@router.post("/glossary")
def glossary_upload(request: Request, session: SessionDep, principal: ReviewerPage,
                    csv_text: Annotated[str, Form(max_length=1_000_000)],
                    csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    _admin(principal)
    try:
        glossary = glossary_store.set_glossary(session, principal.tenant_id, csv_text)
    except GlossaryError as exc:
        return glossary_page(request, session, principal, error=str(exc), typed=csv_text)
    session.commit()
    return RedirectResponse(f"/review/glossary?saved={len(glossary.entries)}", status_code=303)


def _calibration(session: Session, principal: Principal, target: float):
    labelled = decision_store.labelled_flags(session, principal.tenant_id)
    return calibration_lib.calibrate(labelled, target_precision=target)


@router.get("/calibration", response_class=HTMLResponse)
def calibration_page(request: Request, session: SessionDep, principal: ReviewerPage,
                     target: float = 0.9) -> HTMLResponse:
    _admin(principal)
    result = _calibration(session, principal, min(max(target, 0.0), 1.0))
    current = tenant_store.get_settings(session, principal.tenant_id).threshold
    return render(request, "calibration.html", principal, result=result, target=target,
                  current=current, shortfall=calibration_lib.shortfall(result))


@router.get("/calibration.png")
def calibration_plot(request: Request, session: SessionDep, principal: ReviewerPage,
                     target: float = 0.9) -> Response:
    import tempfile

    _admin(principal)
    result = _calibration(session, principal, min(max(target, 0.0), 1.0))
    with tempfile.TemporaryDirectory() as folder:
        path = calibration_lib.plot(result, Path(folder) / "plot.png")
        return Response(path.read_bytes(), media_type="image/png")


@router.post("/calibration")
def calibration_apply(request: Request, session: SessionDep, principal: ReviewerPage,
                      threshold: Annotated[float, Form(ge=0.0, le=1.0)],
                      csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(request, csrf)
    _admin(principal)
    tenant_store.set_settings(session, principal.tenant_id, threshold=threshold)
    session.commit()
    return RedirectResponse("/review/calibration", status_code=303)
