"""The `viqa` command: check articles or segments, evaluate on labelled data.

Exit codes follow linters: 0 nothing flagged, 1 something flagged, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
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
        from viqa.cache.models import CachedEmbedder
        from viqa.score.embed import SentenceTransformerEmbedder
        from viqa.settings import settings

        return CachedEmbedder(SentenceTransformerEmbedder(name, dtype=settings.embedding_dtype))
    except Exception as exc:  # a model that cannot load must not stop deterministic checks
        err.print(f"[yellow]warning:[/] embedding model {name!r} did not load ({exc}); "
                  "meaning is not scored", highlight=False)
        return None


@dataclass(frozen=True)
class MTChoice:
    """What the user asked for on the command line about MT models."""

    enabled: bool = True
    model: str | None = None
    reverse_model: str | None = None
    backend: str | None = None
    beam_size: int | None = None


def _load_translator(choice: MTChoice, direction: str):  # -> Translator | None
    from viqa.cache.models import CachedTranslator
    from viqa.translate.manifest import ModelIntegrityError
    from viqa.translate.models import ModelUnavailable, load_translator

    name = choice.model if direction == "vi-en" else choice.reverse_model
    try:
        translator = load_translator(name, direction=direction, backend=choice.backend,
                                     beam_size=choice.beam_size)
    except ModelIntegrityError as exc:
        raise _fail(str(exc)) from exc
    except ModelUnavailable as exc:
        err.print(f"[yellow]warning:[/] {exc}. Continuing without MT: deterministic checks and "
                  "client back-translations still apply.", highlight=False)
        return None
    return CachedTranslator(translator)


def _with_translators(options: CheckOptions, choice: MTChoice, *, needs_english: bool,
                      needs_round_trip: bool) -> CheckOptions:
    if not choice.enabled or not needs_english:
        return options
    to_english = _load_translator(choice, "vi-en")
    to_vietnamese = _load_translator(choice, "en-vi") if needs_round_trip and to_english else None
    return replace(options, to_english=to_english, to_vietnamese=to_vietnamese)


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
    mt: Annotated[bool, typer.Option(help="Back-translate with an MT model when needed.")] = True,
    model: Annotated[str | None, typer.Option(
        help="vi→en MT model: registry name, local folder or hub id.")] = None,
    reverse_model: Annotated[str | None, typer.Option(
        help="en→vi MT model for the translation-only round trip.")] = None,
    mt_backend: Annotated[str | None, typer.Option(help="ctranslate2 or transformers.")] = None,
    beam_size: Annotated[int | None, typer.Option(help="Beam size (1: greedy).")] = None,
) -> None:
    """Check a translation; exit 0 if nothing is flagged, 1 if something is, 2 on bad input."""
    choice = MTChoice(mt, model, reverse_model, mt_backend, beam_size)
    if input is None and translation is None:
        raise _fail("give --translation FILE (with --source FILE for both sides) "
                    "or --input SEGMENTS.jsonl")
    if input is not None and (translation is not None or source is not None):
        raise _fail("--input takes segments; do not combine it with --source/--translation")
    try:
        direction = direction_of(source_lang, target_lang)
        if input is not None:
            segments = [segment for segment, _ in read_segments(input)]
            options = _with_translators(
                _options(threshold, glossary, builtin_glossary, embedding_model, meaning), choice,
                needs_english=any(not s.backtranslation for s in segments),
                needs_round_trip=any(s.source is None for s in segments))
            report = _segments_in_chunks(segments, direction, options)
        else:
            assert translation is not None
            target_text = read_text(translation, what="translation")
            source_text = read_text(source, what="source") if source is not None else None
            options = _with_translators(
                _options(threshold, glossary, builtin_glossary, embedding_model, meaning), choice,
                needs_english=True, needs_round_trip=source_text is None)
            report = check_document(target_text, source=source_text, source_lang=source_lang,
                                    target_lang=target_lang, options=options)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    _emit(report, as_json=as_json, output=output, show_all=show_all)
    raise typer.Exit(EXIT_FLAGGED if report.flagged else 0)


@app.command("eval")
def evaluate_command(
    input: Annotated[Path | None, typer.Option("--input", help="Labelled JSONL (label: ok|bad).")
                     ] = None,
    plot: Annotated[Path, typer.Option(help="Where to write the PR curve PNG.")] = Path(
        "pr-curve.png"),
    threshold: Annotated[float, typer.Option(help="Flag at or above this risk.")] = 0.5,
    embedding_model: Annotated[str, typer.Option(
        help="sentence-transformers model id or folder.")] = "all-MiniLM-L6-v2",
    meaning: Annotated[bool, typer.Option(help="Score meaning with the embedding model.")] = True,
    source_lang: Annotated[str, typer.Option(help="en or vi.")] = "en",
    target_lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    mt: Annotated[bool, typer.Option(help="Back-translate rows that bring none.")] = True,
    pairs: Annotated[Path | None, typer.Option(
        help="English pairs JSONL {id, a, b, label?} or DEMETR rows: the meaning judge alone.")
                     ] = None,
    output: Annotated[Path | None, typer.Option(
        help="With --pairs: write {id, risk, flagged} per input line.")] = None,
) -> None:
    """Precision, recall, false-flag rate, MCC, ROC-AUC and per-error recall on labelled data."""
    from viqa.evaluate import evaluate, write_pr_plot

    # --- `--pairs`: the meaning judge alone (viqa.score.pairs_eval) ---
    if pairs is not None:
        from viqa.score.pairs_eval import PairsInputError, run_pairs_eval
        try:
            run_pairs_eval(pairs, output=output, embedding_model=embedding_model, as_json=as_json,
                           threshold=None if threshold == 0.5 else threshold)
        except (OSError, PairsInputError) as exc:
            raise _fail(str(exc)) from exc
        return
    if input is None:
        raise _fail("give --input (labelled segments) or --pairs (English pairs)")
    try:
        items = read_labelled(input)
        direction = direction_of(source_lang, target_lang)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    options = _with_translators(
        _options(threshold, None, True, embedding_model, meaning), MTChoice(enabled=mt),
        needs_english=any(not i.segment.backtranslation for i in items),
        needs_round_trip=any(i.segment.source is None for i in items))
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


models_app = typer.Typer(help="MT models: list what is known and installed, pull and convert.")
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list() -> None:
    """Known and installed models with direction, size and licence."""
    from viqa.settings import settings
    from viqa.translate.manifest import read_manifest
    from viqa.translate.models import Registry, folder_size, installed_folder, licence_warning

    registry = Registry.load()
    table = Table(title=f"MT models ({settings.models_dir})")
    for column in ("name", "direction", "params", "licence", "installed", "hub id"):
        table.add_column(column)
    names = list(registry.entries)
    names += sorted(p.name for p in settings.models_dir.glob("*/model.bin")
                    if p.parent.name not in registry.entries) if settings.models_dir.exists() else []
    for name in names:
        entry = registry.entries.get(name)
        folder = installed_folder(name)
        installed = f"yes, {folder_size(folder) / 1e6:.0f} MB" if folder else "no"
        default = " (default)" if name in registry.defaults.values() else ""
        manifest = read_manifest(folder) if folder else None
        table.add_row(name + default, ", ".join(entry.directions) if entry else "?",
                      entry.params if entry else "", entry.licence if entry else "?",
                      installed, entry.hub_id if entry else (manifest.model_id if manifest else ""))
    Console().print(table)
    for entry in registry.entries.values():
        warning = licence_warning(entry)
        if warning:
            Console().print(f"[yellow]note:[/] {warning}", highlight=False)


@models_app.command("pull")
def models_pull(
    name: Annotated[str | None, typer.Argument(
        help="Registry name, hub id, or local transformers folder (default: both defaults).")
    ] = None,
    revision: Annotated[str | None, typer.Option(help="Hub revision (branch, tag, commit).")] = None,
    quantization: Annotated[str, typer.Option(help="CTranslate2 quantization.")] = "int8",
) -> None:
    """Download from the model hub (resumable, with progress) and convert to CTranslate2."""
    from viqa.translate.models import ModelUnavailable, Registry, licence_warning, pull

    registry = Registry.load()
    names = [name] if name else list(dict.fromkeys(registry.defaults.values()))
    for item in names:
        entry = registry.entries.get(item)
        if entry and licence_warning(entry):
            err.print(f"[yellow]note:[/] {licence_warning(entry)}", highlight=False)
        try:
            folder = pull(item, revision=revision, quantization=quantization)
        except ModelUnavailable as exc:
            raise _fail(str(exc)) from exc
        Console().print(f"{item}: ready in {folder}", highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers_in_process: Annotated[bool, typer.Option(
        "--jobs/--no-jobs", help="Run the job runner in this process.")] = True,
) -> None:
    """Run the HTTP service (database from VIQA_DATABASE_URL, SQLite file by default)."""
    import logging

    import uvicorn

    from viqa.api.app import create_app
    from viqa.settings import Settings

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(Settings(), run_jobs=workers_in_process), host=host, port=port,
                log_level="info")


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(
        help="Worker processes (prefork); 1 runs tasks in this process (solo pool).")] = 1,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "info",
    hostname: Annotated[str | None, typer.Option(help="Worker name (default: celery@host).")
                        ] = None,
) -> None:
    """Run a Celery worker for jobs (VIQA_BROKER_URL, VIQA_DATABASE_URL): start one per machine
    or several on one; each loads the models once."""
    import logging

    from viqa.jobs.celery_app import HELP_QUEUE, JOB_QUEUE, settings, worker_runner
    from viqa.jobs.celery_app import app as celery_app

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not settings.broker_url:
        raise _fail("set VIQA_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker")
    argv = ["worker", f"--loglevel={loglevel}", "--without-gossip", "--without-mingle",
            f"--queues={JOB_QUEUE},{HELP_QUEUE}"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    if concurrency <= 1:
        worker_runner()  # solo pool: the models load here, once, before the first task
        argv.append("--pool=solo")
    else:
        argv += ["--pool=prefork", f"--concurrency={concurrency}"]
    celery_app.worker_main(argv)


keys_app = typer.Typer(help="API keys: one per CMS plugin, reviewer or admin.")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    tenant: Annotated[str, typer.Option(help="Tenant (newsroom) name; created if new.")],
    role: Annotated[str, typer.Option(help="plugin, reviewer or admin.")],
) -> None:
    """Create a key and print it once (alone on the last line); only its hash is stored."""
    from viqa.settings import Settings
    from viqa.store.db import Database, migrate
    from viqa.store.keys import ROLES, create_key

    if role not in ROLES:
        raise _fail(f"--role must be one of {', '.join(ROLES)}")
    db = Database(Settings().database_url)
    migrate(db.engine)
    with db.session() as session:
        key = create_key(session, tenant, role)  # type: ignore[arg-type]
    err.print(f"created a {role} key for tenant {tenant!r}; it is shown once:", highlight=False)
    sys.stdout.write(key + "\n")


@app.command()
def calibrate(
    tenant: Annotated[str, typer.Option(help="Tenant whose decisions to learn from.")],
    target_precision: Annotated[float, typer.Option(help="Precision the flags must reach.")] = 0.9,
    plot: Annotated[Path, typer.Option(help="Where to write the plot (PNG).")] = Path(
        "calibration.png"),
    apply: Annotated[bool, typer.Option(help="Set the chosen threshold for the tenant.")] = False,
) -> None:
    """Precision and recall of flags at each risk threshold, from reviewers' confirmed and
    dismissed flags; the threshold that meets the target precision."""
    from sqlalchemy import select

    from viqa.review import calibration as calibration_lib
    from viqa.settings import Settings
    from viqa.store import decisions as decision_store
    from viqa.store import tenants as tenant_store
    from viqa.store.db import Database, migrate
    from viqa.store.models import Tenant

    db = Database(Settings().database_url)
    migrate(db.engine)
    with db.session() as session:
        row = session.scalar(select(Tenant).where(Tenant.name == tenant))
        if row is None:
            raise _fail(f"no tenant {tenant!r}")
        result = calibration_lib.calibrate(decision_store.labelled_flags(session, row.id),
                                           target_precision=target_precision)
        Console().print(f"{result.errors} confirmed errors, {result.false_alarms} dismissed "
                        f"false alarms (tenant {tenant})", highlight=False)
        Console().print(calibration_lib.table(result), highlight=False)
        calibration_lib.plot(result, plot)
        Console().print(f"plot written to {plot}", highlight=False)
        if result.chosen is None:
            Console().print(f"no threshold reaches precision {target_precision}")
            raise typer.Exit(1)
        Console().print(f"threshold {result.chosen.threshold:.3f}: precision "
                        f"{result.chosen.precision:.3f}, recall {result.chosen.recall:.3f}",
                        highlight=False)
        if apply:
            tenant_store.set_settings(session, row.id, threshold=result.chosen.threshold)
            Console().print(f"set as {tenant}'s threshold", highlight=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
