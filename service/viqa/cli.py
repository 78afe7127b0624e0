"""The `viqa` command: check articles or segments, evaluate on labelled data.

Exit codes follow linters: 0 nothing flagged, 1 something flagged, 2 bad input or usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from viqa.checking import CheckingService, CheckRequest, segments_request
from viqa.decide import DEFAULT_THRESHOLD
from viqa.domain import Report
from viqa.glossary import Glossary, GlossaryError
from viqa.inputs import InputError, read_labelled, read_segments, read_text
from viqa.policy import NO_POLICY, Policy, PolicySource
from viqa.settings import Settings

if TYPE_CHECKING:
    from viqa.store.db import Database

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="viqa: Vietnamese-English translation QA.")
err = Console(stderr=True, soft_wrap=True)
EXIT_FLAGGED, EXIT_BAD_INPUT = 1, 2
PROGRESS_MIN_SEGMENTS = 200


def _print_version(value: bool) -> None:
    if value:
        from viqa import __version__

        sys.stdout.write(f"viqa {__version__}\n")
        raise typer.Exit()


def quiet_loading(*, verbose: bool, downloading: bool) -> None:
    """Without --verbose: no weights-loading progress bars (transformers and the hub read
    HF_HUB_DISABLE_PROGRESS_BARS when imported, which is after this), no Alembic or
    sentence-transformers INFO lines;
    `viqa models` keeps its download progress."""
    import logging
    import os

    if verbose:
        return
    if not downloading:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    for name in ("alembic", "sentence_transformers"):
        logging.getLogger(name).setLevel(logging.WARNING)


@app.callback()
def _options(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", help="Show model-loading progress and migration lines.")] = False,
) -> None:
    quiet_loading(verbose=verbose, downloading=ctx.invoked_subcommand == "models")


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _settings(**overrides: Any) -> Settings:
    """The environment's settings (VIQA_*) with what the command line said on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _load_service(settings: Settings, *, directions: Collection[str]) -> CheckingService:
    """The checking service, as the server builds it; models that do not load are warned
    about (deterministic checks and client back-translations still apply)."""
    import logging

    from viqa.translate.manifest import ModelIntegrityError

    # The service logs each missing model for the server's log; here it is printed below,
    # once, as a warning (without this, Python's last-resort handler printed it twice).
    logging.getLogger("viqa.checking").setLevel(logging.ERROR)
    try:
        service = CheckingService.load(settings, directions=directions, strict=True)
    except ModelIntegrityError as exc:
        raise _fail(str(exc)) from exc
    for name, reason in service.status.missing.items():
        if name == "embedding":
            err.print(f"[yellow]warning:[/] embedding model {reason} did not load; meaning is "
                      "not scored", highlight=False)
        else:
            err.print(f"[yellow]warning:[/] {reason}. Continuing without MT: deterministic "
                      "checks and client back-translations still apply.", highlight=False)
    return service


def _policy(settings: Settings, tenant: str | None, glossary: Path | None,
            article: str | None = None) -> PolicySource:
    """The tenant's policy from the database (as the API applies it), or none; a --glossary
    file is checked beside it. `article`: the external_id whose own dismissals apply beside
    the tenant-wide ones, as for a job of that article."""
    source = NO_POLICY
    if article is not None and tenant is None:
        raise _fail("--article needs --tenant: an article's dismissals are its tenant's")
    if tenant is not None:
        from viqa.store.policy import tenant_policy
        from viqa.store.tenants import find_tenant

        db = _existing_database(settings.database_url)
        with db.session() as session:
            tenant_id = find_tenant(session, tenant)
        if tenant_id is None:
            raise _fail(f"no tenant {tenant!r}")
        source = tenant_policy(db, tenant_id, external_id=article)
    if glossary is None:
        return source
    try:
        extra = Glossary.from_csv(glossary)
    except GlossaryError as exc:
        raise _fail(str(exc)) from exc
    base = source

    def with_file(fingerprints: Collection[str]) -> Policy:
        found = base(fingerprints)
        return replace(found, glossary=found.glossary + extra if found.glossary else extra)

    return with_file


def _run(service: CheckingService, request: CheckRequest, policy: PolicySource) -> Report:
    """Check through the service, with a progress bar on long segment inputs."""
    from rich.progress import Progress

    rows = len(request.segments or ())
    show = rows >= PROGRESS_MIN_SEGMENTS and err.is_terminal
    with Progress(console=err, disable=not show, transient=True) as bar:
        task = bar.add_task("checking", total=1.0)
        return service.check(request, policy,
                             progress=lambda done: bar.update(task, completed=done))


def _directions(needs_english: bool, needs_round_trip: bool) -> tuple[str, ...]:
    """The MT models a run needs: none when every row brings its back-translation."""
    if not needs_english:
        return ()
    return ("vi-en", "en-vi") if needs_round_trip else ("vi-en",)


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
            if flag.status == "dismissed":  # dismissed before (--tenant): shown, not counted
                reasons.append(f"dismissed {flag.code}: {flag.message}\n", style="dim")
                continue
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
    threshold: Annotated[float | None, typer.Option(
        help="Flag meaning at or above this risk (default: the tenant's, else VIQA_THRESHOLD, "
             "0.5).")] = None,
    glossary: Annotated[Path | None, typer.Option(
        help="CSV: source,target,forbidden,note.")] = None,
    tenant: Annotated[str | None, typer.Option(
        help="Check with this tenant's threshold, glossary and dismissals (VIQA_DATABASE_URL), "
             "as the API does.")] = None,
    article: Annotated[str | None, typer.Option(
        metavar="EXTERNAL_ID",
        help="With --tenant: also apply the dismissals made in this article (a job's "
             "external_id), as a job of that article does.")] = None,
    builtin_glossary: Annotated[bool, typer.Option(
        help="Use the shipped list of known MT calques.")] = True,
    embedding_model: Annotated[str | None, typer.Option(
        help="sentence-transformers model id or folder (default: VIQA_EMBEDDING_MODEL, "
             "all-MiniLM-L6-v2).")] = None,
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
    if input is None and translation is None:
        raise _fail("give --translation FILE (with --source FILE for both sides) "
                    "or --input SEGMENTS.jsonl")
    if input is not None and (translation is not None or source is not None):
        raise _fail("--input takes segments; do not combine it with --source/--translation")
    settings = _settings(embedding_model=embedding_model, meaning_enabled=meaning,
                         mt_enabled=mt, mt_model=model, mt_reverse_model=reverse_model,
                         mt_backend=mt_backend, beam_size=beam_size,
                         builtin_glossary=builtin_glossary)
    try:
        if input is not None:
            segments = [segment for segment, _ in read_segments(input)]
            request = segments_request(segments, source_lang=source_lang,
                                       target_lang=target_lang, threshold=threshold)
            directions = _directions(any(not s.backtranslation for s in segments),
                                     any(s.source is None for s in segments))
        else:
            assert translation is not None
            request = CheckRequest(
                translation=read_text(translation, what="translation"),
                source=read_text(source, what="source") if source is not None else None,
                source_lang=source_lang, target_lang=target_lang,  # type: ignore[arg-type]
                threshold=threshold)
            directions = _directions(True, request.source is None)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    from viqa.translate.models import looks_like_path

    for flag, name in (("--model", model), ("--reverse-model", reverse_model)):
        if name is not None and looks_like_path(name) and not Path(name).expanduser().is_dir():
            raise _fail(f"{flag} {name}: no such folder")
    policy = _policy(settings, tenant, glossary, article)
    report = _run(_load_service(settings, directions=directions), request, policy)
    _emit(report, as_json=as_json, output=output, show_all=show_all)
    raise typer.Exit(EXIT_FLAGGED if report.flagged else 0)


@app.command("eval")
def evaluate_command(
    input: Annotated[Path | None, typer.Option("--input", help="Labelled JSONL (label: ok|bad).")
                     ] = None,
    plot: Annotated[Path, typer.Option(help="Where to write the PR curve PNG.")] = Path(
        "pr-curve.png"),
    threshold: Annotated[float, typer.Option(help="Flag meaning at or above this risk.")
                         ] = DEFAULT_THRESHOLD,
    embedding_model: Annotated[str | None, typer.Option(
        help="sentence-transformers model id or folder (default: VIQA_EMBEDDING_MODEL, "
             "all-MiniLM-L6-v2).")] = None,
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
        from viqa.score.embed import DEFAULT_EMBEDDING_MODEL
        from viqa.score.pairs_eval import PairsInputError, run_pairs_eval

        try:
            run_pairs_eval(pairs, output=output, as_json=as_json,
                           embedding_model=embedding_model or DEFAULT_EMBEDDING_MODEL,
                           threshold=None if threshold == DEFAULT_THRESHOLD else threshold)
        except (OSError, PairsInputError) as exc:
            raise _fail(str(exc)) from exc
        return
    if input is None:
        raise _fail("give --input (labelled segments) or --pairs (English pairs)")
    settings = _settings(embedding_model=embedding_model, meaning_enabled=meaning, mt_enabled=mt)
    try:
        items = read_labelled(input)
        request = segments_request([i.segment for i in items], source_lang=source_lang,
                                   target_lang=target_lang, threshold=threshold)
    except (InputError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    service = _load_service(settings, directions=_directions(
        any(not i.segment.backtranslation for i in items),
        any(i.segment.source is None for i in items)))
    report = _run(service, request, NO_POLICY)
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
    from viqa.translate.manifest import read_manifest
    from viqa.translate.models import Registry, folder_size, installed_folder, licence_warning

    settings = Settings()
    registry = Registry.load(settings.models_dir)
    table = Table(title=f"MT models ({settings.models_dir})")
    for column in ("name", "direction", "params", "licence", "installed", "hub id"):
        table.add_column(column)
    names = list(registry.entries)
    names += sorted(p.name for p in settings.models_dir.glob("*/model.bin")
                    if p.parent.name not in registry.entries) if settings.models_dir.exists() else []
    for name in names:
        entry = registry.entries.get(name)
        folder = installed_folder(name, settings.models_dir)
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

    from viqa.api.app import create_app

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from viqa.api import server  # header limits and timeouts, scrubbed logs (viqa.api.server)

    settings = Settings()
    server.run(create_app(settings, run_jobs=workers_in_process), host=host, port=port,
               settings=settings)


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

    from viqa.jobs.celery_app import HELP_QUEUE, JOB_QUEUE, worker_runner, worker_settings
    from viqa.jobs.celery_app import app as celery_app

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from viqa import logsafe

    logsafe.install()  # tracebacks without the messages that can quote user data
    if not worker_settings().broker_url:
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
    from viqa.store.db import Database, migrate
    from viqa.store.keys import ROLES, create_key

    if role not in ROLES:
        raise _fail(f"--role must be one of {', '.join(ROLES)}")
    url = Settings().database_url
    shown = _database_shown(url)
    if url.startswith("sqlite") and shown.startswith("/") and not Path(shown).exists():
        err.print(f"[yellow]note:[/] {shown} does not exist yet: a new database is created; a "
                  "server started elsewhere will not know this key (run this where "
                  "`viqa serve` runs, or set VIQA_DATABASE_URL)", highlight=False)
    db = Database(url)
    migrate(db.engine)
    with db.session() as session:
        key = create_key(session, tenant, role)
    err.print(f"created a {role} key for tenant {tenant!r} in {_database_shown(url)} "
              "(the server must use this database: VIQA_DATABASE_URL); it is shown once:",
              highlight=False)
    sys.stdout.write(key + "\n")


def _database_shown(url: str) -> str:
    """The database as a user can find it: a SQLite file's absolute path, another URL
    without its password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return str(Path(parsed.database).resolve())  # type: ignore[arg-type]
    return parsed.render_as_string(hide_password=True)


def _existing_database(url: str) -> Database:
    """The server's database, migrated, for commands that read it: a SQLite file that does
    not exist is exit 2 naming it (opening it would create an empty database, which lists
    no keys and knows no tenant)."""
    from viqa.store.db import Database, migrate

    shown = _database_shown(url)
    if url.startswith("sqlite") and shown.startswith("/") and not Path(shown).exists():
        raise _fail(f"no database at {shown}: run this in the folder where `viqa serve` runs, "
                    "or set VIQA_DATABASE_URL to the server's database")
    db = Database(url)
    migrate(db.engine)
    return db


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's keys.")] = None,
) -> None:
    """Every key's id, tenant, role, creation and revocation time (never a secret)."""
    from viqa.store.keys import list_keys
    from viqa.store.tenants import find_tenant

    url = Settings().database_url
    db = _existing_database(url)
    with db.session() as session:
        tenant_id = find_tenant(session, tenant) if tenant is not None else None
        if tenant is not None and tenant_id is None:
            raise _fail(f"no tenant {tenant!r} in {_database_shown(url)}")
        keys = list_keys(session, tenant_id)
    table = Table(title=f"API keys ({_database_shown(url)})")
    for column in ("id", "tenant", "role", "created", "revoked"):
        table.add_column(column)
    for info in keys:
        table.add_row(info.key_id, info.tenant, info.role, f"{info.created_at:%Y-%m-%d %H:%M}Z",
                      f"{info.revoked_at:%Y-%m-%d %H:%M}Z" if info.revoked_at else "")
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (`viqa keys list`) or the key.")],
) -> None:
    """Revoke a key: it gets 401 from then on."""
    from viqa.store.keys import revoke_key

    url = Settings().database_url
    db = _existing_database(url)
    with db.session() as session:
        info = revoke_key(session, key_id)
    if info is None:
        raise _fail(f"no key {key_id!r} in {_database_shown(url)}; `viqa keys list` shows them")
    when = info.revoked_at.strftime("%Y-%m-%d %H:%MZ") if info.revoked_at else ""
    err.print(f"revoked {info.role} key {info.key_id} of tenant {info.tenant!r} (since {when}; "
              "it gets 401 from then on)", highlight=False)


@app.command()
def calibrate(
    tenant: Annotated[str, typer.Option(help="Tenant whose decisions to learn from.")],
    target_precision: Annotated[float, typer.Option(help="Precision the flags must reach.")] = 0.9,
    plot: Annotated[Path, typer.Option(help="Where to write the plot (PNG).")] = Path(
        "calibration.png"),
    apply: Annotated[bool, typer.Option(help="Set the chosen threshold for the tenant.")] = False,
) -> None:
    """Precision and recall of flags at each risk threshold, from reviewers' confirmed and
    dismissed flags and the errors they recorded on unflagged sentences; the threshold that
    meets the target precision (lower or higher than the current one)."""
    from viqa.review import calibration as calibration_lib
    from viqa.store import decisions as decision_store
    from viqa.store import tenants as tenant_store
    db = _existing_database(Settings().database_url)
    with db.session() as session:
        tenant_id = tenant_store.find_tenant(session, tenant)
        if tenant_id is None:
            raise _fail(f"no tenant {tenant!r}")
        result = calibration_lib.calibrate(decision_store.labelled_flags(session, tenant_id),
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
            tenant_store.set_settings(session, tenant_id, threshold=result.chosen.threshold)
            Console().print(f"set as {tenant}'s threshold", highlight=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


if __name__ == "__main__":
    main()
