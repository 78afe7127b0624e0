"""The `viqa` command: check articles or segments, evaluate on labelled data.

Exit codes follow linters: 0 nothing flagged, 1 something flagged, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from viqa.domain import Report, SegmentInput, SentenceResult
from viqa.glossary import Glossary, GlossaryError
from viqa.inputs import InputError, read_labelled, read_segments, read_text
from viqa.pipeline import CheckOptions, check_document, check_segments, direction_of

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="viqa: Vietnamese-English translation QA.")
err = Console(stderr=True, soft_wrap=True)
EXIT_FLAGGED, EXIT_BAD_INPUT = 1, 2
PROGRESS_MIN_SEGMENTS = 200
CHUNK = 64


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _load_embedder(name: str, enabled: bool):  # -> Embedder | None
    if not enabled:
        return None
    try:
        from viqa.score.embed import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(name)
    except Exception as exc:  # a model that cannot load must not stop deterministic checks
        err.print(f"[yellow]warning:[/] embedding model {name!r} did not load ({exc}); "
                  "meaning is not scored", highlight=False)
        return None


def _options(threshold: float, glossary: Path | None, builtin_glossary: bool,
             embedding_model: str, meaning: bool) -> CheckOptions:
    terms = Glossary.builtin() if builtin_glossary else Glossary()
    if glossary is not None:
        try:
            terms = terms + Glossary.from_csv(glossary)
        except GlossaryError as exc:
            raise _fail(str(exc)) from exc
    if not 0.0 <= threshold <= 1.0:
        raise _fail(f"--threshold must be between 0 and 1, got {threshold}")
    return CheckOptions(threshold=threshold, glossary=terms,
                        embedder=_load_embedder(embedding_model, meaning))


def _segments_in_chunks(segments: list[SegmentInput], direction, options: CheckOptions
                        ) -> Report:
    """Check in chunks so a progress bar can move on long inputs; one report at the end."""
    show = len(segments) >= PROGRESS_MIN_SEGMENTS and err.is_terminal
    results: list[SentenceResult] = []
    report: Report | None = None
    from rich.progress import Progress

    with Progress(console=err, disable=not show, transient=True) as progress:
        task = progress.add_task("checking", total=len(segments))
        for start in range(0, len(segments), CHUNK):
            report = check_segments(segments[start: start + CHUNK], direction=direction,
                                    options=options)
            results.extend(report.sentences)
            progress.advance(task, len(report.sentences))
    assert report is not None
    return Report(report.direction, results, report.signature, report.warnings)


def _highlight(text: str, spans: list[tuple[int, int]], style: str) -> Text:
    rendered = Text(text)
    for start, end in spans:
        rendered.stylize(style, max(start, 0), max(end, 0))
    return rendered


def _print_table(report: Report, console: Console, *, show_all: bool) -> None:
    rows = report.sentences if show_all else report.flagged
    table = Table(show_lines=True, title=f"viqa — {len(report.flagged)} of "
                  f"{len(report.sentences)} sentences flagged ({report.direction})")
    table.add_column("id", no_wrap=True)
    table.add_column("risk", justify="right")
    table.add_column("translation")
    table.add_column("why")
    for result in rows:
        own = [(f.offset - result.offset, f.offset - result.offset + f.length)
               for f in result.flags if f.side == "translation"]
        reasons = Text()
        for flag in result.flags:
            colour = {"critical": "red", "major": "yellow", "minor": "cyan"}[str(flag.severity)]
            reasons.append(f"{flag.severity} ", style=f"bold {colour}")
            reasons.append(f"{flag.code}: {flag.message}\n")
        if result.meaning and (result.meaning.divergence.lost or result.meaning.divergence.added):
            reasons.append("diverging words: ", style="bold")
            reasons.append(" ".join(f"-{w}" for w in result.meaning.divergence.lost), "red")
            reasons.append(" ")
            reasons.append(" ".join(f"+{w}" for w in result.meaning.divergence.added), "green")
        table.add_row(result.id, f"{result.risk:.2f}",
                      _highlight(result.translation, own, "bold reverse"), reasons,
                      style="" if result.flagged else "dim")
    console.print(table)


def _emit(report: Report, *, as_json: bool, output: Path | None, show_all: bool) -> None:
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if output is not None:
        with output.open("w", encoding="utf-8") as handle:
            for result in report.sentences:
                handle.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    elif output is None or show_all:
        _print_table(report, Console(), show_all=show_all)
    else:
        Console().print(f"{len(report.flagged)} of {len(report.sentences)} segments flagged; "
                        f"results in {output}", highlight=False)


@app.command()
def check(
    translation: Annotated[Path | None, typer.Option(help="Translated article (UTF-8 text).")] = None,
    source: Annotated[Path | None, typer.Option(help="Source article (UTF-8 text).")] = None,
    input: Annotated[Path | None, typer.Option(
        "--input", help="Segments as JSONL: {id, source?, translation, backtranslation?}.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write one JSON result per segment.")] = None,
    source_lang: Annotated[str, typer.Option(help="en or vi.")] = "en",
    target_lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
    threshold: Annotated[float, typer.Option(help="Flag at or above this risk.")] = 0.5,
    glossary: Annotated[Path | None, typer.Option(
        help="CSV: source,target,forbidden,note.")] = None,
    builtin_glossary: Annotated[bool, typer.Option(
        help="Use the shipped list of known MT calques.")] = True,
    embedding_model: Annotated[str, typer.Option(
        help="sentence-transformers model id or folder.")] = "all-MiniLM-L6-v2",
    meaning: Annotated[bool, typer.Option(help="Score meaning with the embedding model.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Show unflagged sentences too.")] = False,
) -> None:
    """Check a translation; exit 0 if nothing is flagged, 1 if something is, 2 on bad input."""
    if input is None and translation is None:
        raise _fail("give --translation FILE (with --source FILE for both sides) "
                    "or --input SEGMENTS.jsonl")
    if input is not None and (translation is not None or source is not None):
        raise _fail("--input takes segments; do not combine it with --source/--translation")
    try:
        direction = direction_of(source_lang, target_lang)
        if input is not None:
            segments = [segment for segment, _ in read_segments(input)]
            options = _options(threshold, glossary, builtin_glossary, embedding_model, meaning)
            report = _segments_in_chunks(segments, direction, options)
        else:
            assert translation is not None
            target_text = read_text(translation, what="translation")
            source_text = read_text(source, what="source") if source is not None else None
            options = _options(threshold, glossary, builtin_glossary, embedding_model, meaning)
            report = check_document(target_text, source=source_text, source_lang=source_lang,
                                    target_lang=target_lang, options=options)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    _emit(report, as_json=as_json, output=output, show_all=show_all)
    raise typer.Exit(EXIT_FLAGGED if report.flagged else 0)


@app.command("eval")
def evaluate_command(
    input: Annotated[Path, typer.Option("--input", help="Labelled JSONL (label: ok|bad).")],
    plot: Annotated[Path, typer.Option(help="Where to write the PR curve PNG.")] = Path(
        "pr-curve.png"),
    threshold: Annotated[float, typer.Option(help="Flag at or above this risk.")] = 0.5,
    embedding_model: Annotated[str, typer.Option(
        help="sentence-transformers model id or folder.")] = "all-MiniLM-L6-v2",
    meaning: Annotated[bool, typer.Option(help="Score meaning with the embedding model.")] = True,
    source_lang: Annotated[str, typer.Option(help="en or vi.")] = "en",
    target_lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
) -> None:
    """Precision, recall, false-flag rate, MCC, ROC-AUC and per-error recall on labelled data."""
    from viqa.evaluate import evaluate, write_pr_plot

    try:
        items = read_labelled(input)
        direction = direction_of(source_lang, target_lang)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    options = _options(threshold, None, True, embedding_model, meaning)
    report = _segments_in_chunks([i.segment for i in items], direction, options)
    metrics = evaluate(items, report.sentences)
    write_pr_plot(metrics, plot, threshold=threshold)
    if as_json:
        data = metrics.to_json()
        data.pop("pr_curve")
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    console = Console()
    table = Table(title=f"viqa eval — {metrics.segments} segments "
                  f"({metrics.bad} bad, {metrics.ok} ok), threshold {threshold}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [("precision", metrics.precision), ("recall (all bad)", metrics.recall),
            ("recall (critical)", metrics.critical_recall),
            ("false-flag rate (ok)", metrics.false_flag_rate), ("MCC", metrics.mcc),
            ("ROC-AUC (risk)", metrics.roc_auc)]
    rows += [(f"recall: {k}", v) for k, v in metrics.recall_by_error.items()]
    for name, value in rows:
        table.add_row(name, "n/a" if value is None else f"{value:.3f}")
    console.print(table)
    console.print(f"PR curve written to {plot}", highlight=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
