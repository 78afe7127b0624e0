"""The naive baseline for bench/service.py: a FastAPI app that splits the translation into
sentences and back-translates each with a transformers pipeline, one call per sentence, with the
model's own generation settings (opus-mt ships num_beams=4). What a first prototype would do.

    python bench/baseline_app.py MODEL_FOLDER PORT [OUTPUT_TOKENS] [BEAMS]
"""

from __future__ import annotations

import re
import sys

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import pipeline

folder, port = sys.argv[1], int(sys.argv[2])
tokens = int(sys.argv[3]) if len(sys.argv) > 3 else 40
beams = int(sys.argv[4]) if len(sys.argv) > 4 else 4
translator = pipeline("translation", model=folder, device="cpu")
app = FastAPI()


class Article(BaseModel):
    translation: str
    source: str | None = None


@app.get("/readyz")
def ready() -> dict[str, bool]:
    return {"ready": True}


@app.post("/v1/check")
def check(article: Article) -> dict[str, list[str]]:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", article.translation) if s.strip()]
    english = [translator(s, num_beams=beams, min_new_tokens=tokens,
                          max_new_tokens=tokens)[0]["translation_text"] for s in sentences]
    return {"backtranslations": english}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
