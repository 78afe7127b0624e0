"""GET /v1/articles/{external_id}: the latest result of a CMS article and its history."""

from __future__ import annotations

from fastapi import APIRouter

from viqa.api.deps import ReaderDep, SessionDep
from viqa.api.errors import ApiError
from viqa.api.routes.jobs import job_public
from viqa.api.schemas import ArticlePublic, ErrorResponse, JobSummary
from viqa.store import jobs as job_store

router = APIRouter(prefix="/v1", tags=["articles"])


@router.get("/articles/{external_id}", response_model=ArticlePublic,
            responses={404: {"model": ErrorResponse}})
def get_article(external_id: str, session: SessionDep, principal: ReaderDep) -> ArticlePublic:
    jobs = job_store.article_jobs(session, principal.tenant_id, external_id)
    if not jobs:
        raise ApiError(404, "not_found", f"no article {external_id}")
    done = [j for j in jobs if j.status == "done"]
    history = [JobSummary(id=j.id, status=j.status, created_at=j.created_at,
                          finished_at=j.finished_at,
                          flagged=sum(1 for s in j.result["sentences"] if s["flagged"])
                          if j.result else None) for j in jobs]
    return ArticlePublic(external_id=external_id, latest=job_public((done or jobs)[0]),
                         history=history)
