"""The naive baseline for bench/service.py: a FastAPI app that splits the translation into
sentences and back-translates each with transformers, one `generate` call per sentence (what
the `translation` pipeline of transformers 4 did; version 5 removed that pipeline), float32, with
the model's own beam (opus-mt ships num_beams=4). What a first prototype would do.

    python bench/baseline_app.py MODEL_FOLDER PORT [OUTPUT_TOKENS] [BEAMS]
"""

from __future__ import annotations

import re
import sys

import torch
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

folder, port = sys.argv[1], int(sys.argv[2])
tokens = int(sys.argv[3]) if len(sys.argv) > 3 else 40
beams = int(sys.argv[4]) if len(sys.argv) > 4 else 4
tokenizer = AutoTokenizer.from_pretrained(folder)
model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
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
    return {"backtranslations": [translate(s) for s in sentences]}


def translate(sentence: str) -> str:
    inputs = tokenizer(sentence, return_tensors="pt", truncation=True)
    with torch.inference_mode():
        output = model.generate(**inputs, num_beams=beams, min_new_tokens=tokens,
                                max_new_tokens=tokens)
    return tokenizer.decode(output[0], skip_special_tokens=True)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
