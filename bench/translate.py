"""Back-translation throughput: transformers (the baseline) against viqa's CTranslate2 path.

Translates the seed article's sentences vi→en four ways in one run, at beam 4 and greedy:
transformers one sentence at a time, transformers batched, viqa's CTranslate2Translator
(tokenise, sort, batch by tokens, decode, detokenise) and raw CTranslate2 translate_batch on the
same tokens, so viqa's own overhead is visible. Output length is fixed (min = max tokens) so runs
on a random-weight model are comparable with a real one.

The model is the real opus-mt-vi-en when `viqa models pull` has put it (and its transformers
snapshot) in models/; otherwise a random-weight Marian of the same shape (d_model 512, 6+6
layers, 8 heads, FFN 2048, ~53k vocabulary), built once into bench/.cache/.

    python bench/translate.py            # a table
    python bench/translate.py --json     # one JSON object
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
OUTPUT_TOKENS = 40


def seed_sentences() -> list[str]:
    from viqa.text.segment import split_sentences

    text = (ROOT / "seeds" / "vinh-long-2023.vi.txt").read_text(encoding="utf-8")
    return [s.text for s in split_sentences(text)]


def model_folders() -> tuple[Path, Path, str]:
    """(transformers folder, CTranslate2 int8 folder, description)."""
    real_hf = ROOT / "models" / ".downloads" / "opus-mt-vi-en"
    real_ct2 = ROOT / "models" / "opus-mt-vi-en"
    if (real_hf / "config.json").exists() and (real_ct2 / "model.bin").exists():
        return real_hf, real_ct2, "Helsinki-NLP/opus-mt-vi-en"
    hf, ct2 = CACHE / "opus-shaped-hf", CACHE / "opus-shaped-ct2-int8"
    if not (ct2 / "model.bin").exists():
        from viqa.translate.models import convert
        from viqa.translate.synthetic import MarianShape, build_marian

        rows = [json.loads(line) for line in
                (ROOT / "seeds" / "devset.en-vi.jsonl").read_text().splitlines()]
        vietnamese = seed_sentences() + [r["translation"] for r in rows]
        english = [r["source"] for r in rows] + [r["backtranslation"] for r in rows]
        build_marian(hf, source_text=vietnamese, target_text=english, shape=MarianShape.opus_mt())
        convert(hf, ct2, model_id="random-opus-mt-shaped", revision="bench", directions=("vi-en",))
    return hf, ct2, "random-weight Marian, opus-mt-vi-en shape"


def rate(sentences: list[str], run) -> float:
    run(sentences[:2])  # warm-up
    start = time.perf_counter()
    run(sentences)
    return len(sentences) / (time.perf_counter() - start)


def measure(sentences: list[str], hf_folder: Path, ct2_folder: Path, beam: int) -> dict:
    from viqa.translate.ctranslate2_backend import CTranslate2Translator
    from viqa.translate.transformers_backend import TransformersTranslator

    fixed = {"max_new_tokens": OUTPUT_TOKENS, "min_new_tokens": OUTPUT_TOKENS}
    one_by_one = TransformersTranslator(hf_folder, beam_size=beam, batch_size=1, **fixed)
    batched = TransformersTranslator(hf_folder, beam_size=beam, batch_size=16, **fixed)
    viqa = CTranslate2Translator(ct2_folder, beam_size=beam, max_decoding_length=OUTPUT_TOKENS,
                                 min_decoding_length=OUTPUT_TOKENS)
    tokens = viqa.tokenize(sentences)
    raw = viqa._translator  # the same loaded model, called directly

    def raw_ct2(batch: list[str]) -> None:
        raw.translate_batch(sorted(tokens[: len(batch)], key=len),
                            max_batch_size=viqa.batch_size(tokens[: len(batch)]),
                            batch_type="examples",
                            beam_size=beam, max_decoding_length=OUTPUT_TOKENS,
                            min_decoding_length=OUTPUT_TOKENS)

    result = {
        "baseline_one_by_one_sps": rate(sentences, one_by_one.generate_ids),
        "baseline_batched_sps": rate(sentences, batched.generate_ids),
        "viqa_sps": rate(sentences, viqa.translate),
        "raw_ct2_sps": rate(sentences, raw_ct2),
    }
    result["viqa_vs_one_by_one"] = result["viqa_sps"] / result["baseline_one_by_one_sps"]
    result["viqa_vs_batched"] = result["viqa_sps"] / result["baseline_batched_sps"]
    result["viqa_vs_raw_ct2"] = result["viqa_sps"] / result["raw_ct2_sps"]
    return {k: round(v, 2) for k, v in result.items()}


def peak_rss_mb() -> float:
    """VmHWM: this process's own peak (ru_maxrss can report a forking parent's after exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


CHECKING_PROCESS = """
import sys
from pathlib import Path
from viqa.score.embed import SentenceTransformerEmbedder
from viqa.translate.ctranslate2_backend import CTranslate2Translator
sentences = [line for line in sys.stdin.read().split("\\n") if line]
translator = CTranslate2Translator(sys.argv[1], max_decoding_length=40, min_decoding_length=40)
english = [t.text for t in translator.translate(sentences)]
SentenceTransformerEmbedder().embed(english + sentences)
status = Path("/proc/self/status").read_text().splitlines()
print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024)
"""


def checking_process_rss_mb(ct2_folder: Path, sentences: list[str]) -> float:
    """Peak RSS of a process holding what `viqa check` holds: the int8 MT model and the
    embedding model, after translating and embedding the article."""
    done = subprocess.run([sys.executable, "-c", CHECKING_PROCESS, str(ct2_folder)],
                          input="\n".join(sentences), capture_output=True, text=True, check=True)
    return round(float(done.stdout.strip().splitlines()[-1]), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sentences = seed_sentences()
    hf_folder, ct2_folder, model = model_folders()
    report = {
        "model": model,
        "sentences": len(sentences),
        "output_tokens": OUTPUT_TOKENS,
        "beam4": measure(sentences, hf_folder, ct2_folder, beam=4),
        "greedy": measure(sentences, hf_folder, ct2_folder, beam=1),
        "peak_rss_mb": checking_process_rss_mb(ct2_folder, sentences),
        "bench_process_peak_rss_mb": peak_rss_mb(),
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"model: {model}; {len(sentences)} seed sentences, {OUTPUT_TOKENS} output tokens each")
    print(f"{'mode':8} {'hf 1-by-1':>10} {'hf batched':>11} {'viqa ct2':>9} {'raw ct2':>8}"
          f" {'x 1-by-1':>9} {'x batched':>10} {'vs raw':>7}   (sentences/s)")
    for mode in ("beam4", "greedy"):
        r = report[mode]
        print(f"{mode:8} {r['baseline_one_by_one_sps']:10.2f} {r['baseline_batched_sps']:11.2f}"
              f" {r['viqa_sps']:9.2f} {r['raw_ct2_sps']:8.2f} {r['viqa_vs_one_by_one']:9.1f}"
              f" {r['viqa_vs_batched']:10.1f} {r['viqa_vs_raw_ct2']:7.2f}")
    print(f"peak RSS of a checking process (int8 MT + embedding model): "
          f"{report['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
