"""Dataset store: a directory of Parquet files, one per table, written atomically.

Layout of a dataset directory::

    manifest.json            {"format": 1, "tables": {"lines": "lines-<sha>.parquet", ...}}
    lines-<sha>.parquet      one file per table, named by a hash of its content
    sources/<sha256>.pdf     the source file of each document ingested into it (its bytes, named by their hash)

A save writes the new table files first (content-addressed, so an unchanged table keeps its file), flushes them to
disk, and only then replaces ``manifest.json`` with ``os.replace``, which is atomic. A process that dies before that
point leaves the previous manifest, and so the previous dataset, intact; files no manifest names are removed by the
next save. A lock file keeps two writers (the CLI and the app, say) from interleaving. The source files of an
ingest are written the same way, before the manifest, and one no document names any more is removed after it.

Beside the tables of the data contract the store keeps ``department_facts``: the department facts (name, unit
type, staff, subordinate units …) as each document states them. ``departments`` has one row per department-year,
merged from these, so that a fact one document states is never lost when another document of the same
department-year is silent on it, and the checks can tell when two documents state different values.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from analytics import schema as s
from analytics.errors import DatasetError, OutputError, SchemaError

__all__ = [
    "DEFAULT_DATASET",
    "DEPARTMENT_FACTS",
    "READ_ORDER",
    "SOURCES_DIR",
    "Dataset",
    "IncrementalRefresh",
    "atomic_output",
    "dataset_path",
    "dataset_version",
    "fact_columns",
    "open_dataset",
    "refresh_dataset",
    "remove_documents",
    "save_dataset",
    "update_dataset",
    "user_data_dir",
    "working_dataset_path",
    "writable_dataset_path",
    "write_atomically",
]

#: The dataset shipped with the project (rebuilt by ``make dataset``); ``ANALYTICS_DATASET`` overrides it.
DEFAULT_DATASET = Path(__file__).resolve().parent.parent / "datasets" / "normalized"
MANIFEST = "manifest.json"
_FORMAT = 1
_LOCK = ".lock"
#: The temporary file of a table or manifest a save writes (``atomic_output``): ``.<name>.<random>.tmp``.
_STAGED = re.compile(r"\.(?:manifest\.json|[a-z_]+-[0-9a-f]{16}\.parquet)\.[^.]+\.tmp")
#: The folder of a dataset that keeps each document's source file, content-addressed: ``<sha256><suffix>``.
SOURCES_DIR = "sources"
#: The store's table of per-document department facts (not a table of the data contract: no reader writes it).
DEPARTMENT_FACTS = "department_facts"
#: The order in which documents were merged into the dataset, later ones higher: their facts win.
READ_ORDER = "read_order"
#: Where a ``departments`` row was read: one document and its place, kept together, never mixed across documents.
_FACT_PROVENANCE = (s.DOC_ID, s.PAGE, s.LINE, s.SOURCE_TEXT)


@dataclass(frozen=True)
class Dataset:
    """One Polars frame per table of the data contract.

    Attributes are named after the tables: ``documents``, ``departments``, ``lines``, ``statements``,
    ``indicators``, ``projects``, ``document_tables`` (which standard tables each document holds),
    ``reading_findings`` (what the reader could not read or doubts, per document), ``document_text`` (the text
    each document prints, line by line) and ``flags`` (findings of ``analytics.checks``). Frames are collected
    (never lazy) and follow ``analytics.schema``.

    Examples
    --------
    >>> ds = Dataset.empty()
    >>> ds.lines.height, sorted(ds.tables)[:2]
    (0, ['departments', 'document_tables'])
    """

    documents: pl.DataFrame
    departments: pl.DataFrame
    lines: pl.DataFrame
    statements: pl.DataFrame
    indicators: pl.DataFrame
    projects: pl.DataFrame
    document_tables: pl.DataFrame
    reading_findings: pl.DataFrame
    document_text: pl.DataFrame
    flags: pl.DataFrame
    path: Path | None = field(default=None, compare=False)
    #: The per-document facts behind ``departments`` once documents have been merged (see ``department_facts``);
    #: ``None`` while each ``departments`` row is all that any document states about its department-year.
    fact_rows: pl.DataFrame | None = field(default=None, compare=False, repr=False)

    @classmethod
    def empty(cls) -> Dataset:
        """A dataset with every table and no rows."""
        return cls(**{name: s.empty_frame(name) for name in s.TABLES})

    @classmethod
    def from_tables(
        cls, tables: Mapping[str, pl.DataFrame], path: Path | None = None, *, validated: Collection[str] = ()
    ) -> Dataset:
        """Build a dataset from frames; a missing table is empty, every table is validated — the tables named in
        ``validated`` (rows checked before, e.g. by the save that wrote them) by their columns and types only."""
        unknown = set(tables) - set(s.TABLES)
        if unknown:
            raise SchemaError(f"unknown table(s) {sorted(unknown)}; the data contract has {', '.join(s.TABLES)}")
        frames = {
            name: s.validate(
                name, _with_defaults(name, tables.get(name, s.empty_frame(name))), rows=name not in validated
            )
            for name in s.TABLES
        }
        return cls(**frames, path=path)

    @property
    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table by name."""
        return {name: getattr(self, name) for name in s.TABLES}

    @property
    def department_facts(self) -> pl.DataFrame:
        """The department facts each document states: the columns of ``departments`` and ``read_order``, one row
        per department-year and document.

        ``departments`` merges them, one row per department-year: each fact from the latest document that states
        it. A ``departments`` row no merge has recorded counts as its document's facts, read first.

        Examples
        --------
        >>> Dataset.empty().department_facts.columns[-2:]
        ['source_text', 'read_order']
        """
        derived = _facts_of(self.departments)
        if self.fact_rows is None:
            return derived
        unrecorded = derived.join(self.fact_rows, on=[*s.TABLES[s.DEPARTMENTS].key, s.DOC_ID], how="anti")
        return pl.concat([self.fact_rows, unrecorded], how="vertical") if unrecorded.height else self.fact_rows

    def for_department(self, department_id: str) -> Dataset:
        """The rows of one department: by ``department_id`` where a table has it, else by its documents.

        Raises
        ------
        DatasetError
            The dataset holds no such department (the message lists some it has).

        Examples
        --------
        >>> Dataset.empty().for_department("甲局")
        Traceback (most recent call last):
        ...
        analytics.errors.DatasetError: department '甲局' is not in the dataset; it has: none
        """
        known = sorted(
            set(self.documents.get_column(s.DEPARTMENT_ID).to_list())
            | set(self.departments.get_column(s.DEPARTMENT_ID).to_list())
        )
        if department_id not in known:
            listed = ", ".join(known[:10]) + (" …" if len(known) > 10 else "")
            raise DatasetError(f"department {department_id!r} is not in the dataset; it has: {listed or 'none'}")
        doc_ids = self.documents.filter(pl.col(s.DEPARTMENT_ID) == department_id).get_column(s.DOC_ID).implode()
        facts = None if self.fact_rows is None else self.fact_rows.filter(pl.col(s.DEPARTMENT_ID) == department_id)
        return Dataset(
            **{
                name: frame.filter(
                    pl.col(s.DEPARTMENT_ID) == department_id
                    if s.DEPARTMENT_ID in frame.columns
                    else pl.col(s.DOC_ID).is_in(doc_ids)
                )
                for name, frame in self.tables.items()
            },
            path=self.path,
            fact_rows=facts,
        )

    def document_ids(self, names: Sequence[str]) -> list[str]:
        """The ``doc_id`` of each of ``names``, each a ``doc_id`` or a document's file name (``source_name``).

        Raises ``DatasetError`` naming every name the dataset does not hold (a file name held twice, by documents
        read from two folders, names both and must be given by ``doc_id``)."""
        by_name: dict[str, list[str]] = {}
        for doc_id, source in self.documents.select(s.DOC_ID, s.SOURCE_NAME).iter_rows():
            by_name.setdefault(str(doc_id), []).append(str(doc_id))
            if source is not None and source != doc_id:
                by_name.setdefault(str(source), []).append(str(doc_id))
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise DatasetError(
                f"{self.path or 'dataset'}: no document {', '.join(map(repr, unknown))}; expected a doc_id or the file "
                "name of a document it holds (analytics info lists them)"
            )
        ambiguous = [name for name in names if len(set(by_name[name])) > 1]
        if ambiguous:
            raise DatasetError(
                f"{self.path or 'dataset'}: {', '.join(map(repr, ambiguous))} names several documents; "
                "give their doc_id"
            )
        return list(dict.fromkeys(by_name[name][0] for name in names))

    def without_documents(self, doc_ids: Sequence[str]) -> Dataset:
        """Return the dataset without the rows of ``doc_ids`` (from ``document_ids``). Department-years they
        described are merged again from the documents that remain; the flags are left empty, to be derived again
        (``remove_documents`` does that). An auditor's triage is kept apart (``analytics.triage``) and is untouched:
        re-adding the document brings its findings back with their decisions.

        Examples
        --------
        >>> Dataset.empty().without_documents([]).documents.height
        0
        """
        ids = pl.Series(s.DOC_ID, list(doc_ids), dtype=pl.String)
        kept: dict[str, pl.DataFrame] = {}
        for name, frame in self.tables.items():
            if name == s.FLAGS:
                kept[name] = frame.clear()
            elif name != s.DEPARTMENTS:
                kept[name] = frame.filter(~pl.col(s.DOC_ID).is_in(ids.implode()))
        kept[s.DEPARTMENTS], facts = _merge_facts(self, Dataset.empty(), ids)
        return dataclasses.replace(Dataset.from_tables(_sorted(kept), path=self.path), fact_rows=_sorted_facts(facts))

    def replace_documents(self, incoming: Dataset) -> Dataset:
        """Return a dataset where every document of ``incoming`` replaces its earlier rows (same ``doc_id``).

        Rows of other documents stay. A department-year that ``incoming`` describes again is merged fact by fact
        (unit type, staff, subordinate units …): the new document's value where it states one, else the value of
        the latest document read before that does, never a null over a stated fact. The row's provenance
        (``doc_id``, page, line, source text) is the new document's; ``department_facts`` keeps every document's.

        Examples
        --------
        >>> Dataset.empty().replace_documents(Dataset.empty()).documents.height
        0
        """
        doc_ids = incoming.documents.get_column(s.DOC_ID)
        merged: dict[str, pl.DataFrame] = {}
        for name, frame in self.tables.items():
            if name == s.FLAGS:
                # Findings describe the dataset as it was checked; new documents make them stale until the checks
                # run again (``analytics ingest`` does that itself).
                merged[name] = incoming.flags
                continue
            if name == s.DEPARTMENTS:
                continue  # merged from the per-document facts below
            kept = frame.filter(~pl.col(s.DOC_ID).is_in(doc_ids.implode()))
            merged[name] = pl.concat([kept, incoming.tables[name]], how="vertical")
        merged[s.DEPARTMENTS], facts = _merge_facts(self, incoming, doc_ids)
        return dataclasses.replace(Dataset.from_tables(_sorted(merged), path=self.path), fact_rows=_sorted_facts(facts))

    @classmethod
    def combined(cls, datasets: Sequence[Dataset]) -> Dataset:
        """The documents of ``datasets`` as one dataset, in one merge: the same as replacing them one after the other
        into an empty dataset (a document held twice: the later one counts; department facts merged in that order),
        with each table concatenated, sorted and validated once instead of once per dataset.

        Examples
        --------
        >>> Dataset.combined([]).documents.height
        0
        """
        last = {doc_id: index for index, ds in enumerate(datasets) for doc_id in ds.documents.get_column(s.DOC_ID)}
        parts: dict[str, list[pl.DataFrame]] = {name: [] for name in s.TABLES if name not in (s.FLAGS, s.DEPARTMENTS)}
        fact_parts: list[pl.DataFrame] = []
        #: The read order of each kept document's facts, as the one-after-the-other merge numbers them.
        orders: dict[str, int] = {}
        for index, ds in enumerate(datasets):
            doc_ids = ds.documents.get_column(s.DOC_ID).to_list()
            for doc_id in doc_ids:
                orders.pop(doc_id, None)
            start = max(orders.values()) + 1 if orders else 0
            facts = ds.department_facts.with_columns((pl.col(READ_ORDER) + start).cast(pl.Int32))
            orders.update(facts.group_by(s.DOC_ID).agg(pl.col(READ_ORDER).max()).iter_rows())
            kept = [doc_id for doc_id in doc_ids if last[doc_id] == index]
            keep = pl.col(s.DOC_ID).is_in(pl.Series(kept, dtype=pl.String).implode())
            for name, frames in parts.items():
                frames.append(ds.tables[name].filter(keep))
            fact_parts.append(facts.filter(keep))
        tables = {name: pl.concat([s.empty_frame(name), *frames], how="vertical") for name, frames in parts.items()}
        facts = pl.concat([_facts_of(s.empty_frame(s.DEPARTMENTS)), *fact_parts], how="vertical")
        tables[s.DEPARTMENTS] = _departments_of(facts)
        tables[s.FLAGS] = datasets[-1].flags if datasets else s.empty_frame(s.FLAGS)
        return dataclasses.replace(Dataset.from_tables(_sorted(tables)), fact_rows=_sorted_facts(facts))


def fact_columns() -> list[str]:
    """The columns of ``departments`` that state something about the department (not its key or provenance).

    Examples
    --------
    >>> fact_columns()[:3]
    ['name', 'region', 'unit_type']
    """
    spec = s.TABLES[s.DEPARTMENTS]
    return [c for c in spec.columns if c not in spec.key and c not in _FACT_PROVENANCE]


def _facts_schema() -> pl.Schema:
    return pl.Schema({**s.TABLES[s.DEPARTMENTS].schema, READ_ORDER: pl.Int32})


def _facts_of(departments: pl.DataFrame) -> pl.DataFrame:
    """Per-document facts of ``departments`` rows taken as each one document's, read before any other."""
    return departments.with_columns(pl.lit(0, pl.Int32).alias(READ_ORDER)).select(_facts_schema().names())


def _sorted_facts(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.sort([*s.TABLES[s.DEPARTMENTS].key, READ_ORDER, s.DOC_ID], nulls_last=True)


def _merge_facts(current: Dataset, incoming: Dataset, doc_ids: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``departments`` and the per-document facts once ``incoming``'s documents replace their earlier rows.

    Only the department-years that ``incoming`` states, or whose facts came from a replaced document, are merged
    again; every other ``departments`` row stays as it is.
    """
    key = list(s.TABLES[s.DEPARTMENTS].key)
    replaced = pl.col(s.DOC_ID).is_in(doc_ids.implode())
    before = current.department_facts
    kept = before.filter(~replaced)
    latest = kept.get_column(READ_ORDER).max()
    start = int(latest) + 1 if isinstance(latest, int) else 0  # nothing kept: the order starts again
    new = incoming.department_facts.with_columns((pl.col(READ_ORDER) + start).cast(pl.Int32))
    facts = pl.concat([kept, new], how="vertical")
    touched = pl.concat(
        [new.select(key), before.filter(replaced).select(key), current.departments.filter(replaced).select(key)],
        how="vertical",
    ).unique()
    rebuilt = _departments_of(facts.join(touched, on=key, how="semi"))
    untouched = current.departments.join(touched, on=key, how="anti")
    departments = pl.concat([untouched, rebuilt], how="vertical")
    return departments, facts


def _departments_of(facts: pl.DataFrame) -> pl.DataFrame:
    """One ``departments`` row per department-year of ``facts``: each fact from the latest document stating it."""
    return (
        facts.sort([READ_ORDER, s.DOC_ID], descending=[True, False])
        # Latest first; the doc_id only orders facts that an outside caller recorded with one read order.
        .group_by(list(s.TABLES[s.DEPARTMENTS].key), maintain_order=True)
        .agg(
            *(pl.col(c).drop_nulls().first() for c in fact_columns()),
            *(pl.col(c).first() for c in _FACT_PROVENANCE),
        )
        .select(s.TABLES[s.DEPARTMENTS].schema.names())
    )


def _checked_facts(facts: pl.DataFrame) -> pl.DataFrame:
    """Per-document facts with the store's columns and types; a null key or name, or a document stating one
    department-year twice, is a ``SchemaError``."""
    schema = _facts_schema()
    missing = [c for c in schema if c not in facts.columns]
    if missing:
        raise SchemaError(f"{DEPARTMENT_FACTS}: missing column(s) {missing}; expected {', '.join(schema)}")
    checked = facts.select(pl.col(c).cast(dtype) for c, dtype in schema.items())
    required = [*s.TABLES[s.DEPARTMENTS].required, *s.TABLES[s.DEPARTMENTS].key, READ_ORDER]
    nulls = [c for c in dict.fromkeys(required) if checked.get_column(c).null_count()]
    if nulls:
        raise SchemaError(f"{DEPARTMENT_FACTS}: null values in {nulls}, which every row must have")
    key = [*s.TABLES[s.DEPARTMENTS].key, s.DOC_ID]
    if checked.select(key).is_duplicated().any():
        raise SchemaError(f"{DEPARTMENT_FACTS}: a document states one department-year twice (duplicate key {key})")
    return checked


def _sorted(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    # A stable row order makes a rebuilt dataset byte-for-byte comparable and diffs readable.
    return {name: frame.sort(s.TABLES[name].key, nulls_last=True) for name, frame in tables.items()}


def user_data_dir() -> Path:
    """This tool's folder in the user's data directory: ``$XDG_DATA_HOME/budget-analytics`` (by default under
    ``~/.local/share``). The working dataset and the triage database live there."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "budget-analytics"


def working_dataset_path() -> Path:
    """The dataset a user adds documents to: ``$ANALYTICS_DATASET`` if set, else ``dataset`` in ``user_data_dir()``
    (a copy of the shipped dataset, made on the first write). The shipped dataset itself is written only when a
    caller names it."""
    env = os.environ.get("ANALYTICS_DATASET")
    return Path(env) if env else user_data_dir() / "dataset"


def dataset_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where a dataset is read from: ``path`` if given, else ``$ANALYTICS_DATASET``, else the user's working
    dataset once it exists, else the shipped default.

    Examples
    --------
    >>> dataset_path("work/ds").as_posix()
    'work/ds'
    """
    if path is not None:
        return Path(path)
    working = working_dataset_path()
    if os.environ.get("ANALYTICS_DATASET") or (working / MANIFEST).exists():
        return working
    return DEFAULT_DATASET


def writable_dataset_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where a write goes: ``path`` if given, else ``working_dataset_path()`` — never the shipped dataset unless a
    caller names it. The first write to a working dataset that does not exist yet starts it as a copy of the
    shipped one (copied whole to a temporary sibling, then renamed: never half a copy)."""
    if path is not None:
        return Path(path)
    working = working_dataset_path()
    if (
        os.environ.get("ANALYTICS_DATASET")
        or (working / MANIFEST).exists()
        or not (DEFAULT_DATASET / MANIFEST).exists()
    ):
        return working
    working.parent.mkdir(parents=True, exist_ok=True)
    partial = working.parent / f".{working.name}.copying-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(DEFAULT_DATASET, partial, ignore=shutil.ignore_patterns(_LOCK))
    try:
        partial.rename(working)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # another process made it first, or a folder is in the way
        if not (working / MANIFEST).exists():
            raise DatasetError(
                f"{working}: cannot create the working dataset: the folder exists and holds no {MANIFEST}; "
                "move it away or choose another folder with ANALYTICS_DATASET"
            ) from None
    return working


def _write_target(path: str | os.PathLike[str] | None, dataset: Dataset | None = None) -> Path:
    """The folder a save writes to: the named ``path``, else the dataset's own folder unless that is the shipped
    one (opened by default, not named), else the working dataset."""
    if path is not None:
        return Path(path)
    if dataset is not None and dataset.path is not None and Path(dataset.path).resolve() != DEFAULT_DATASET:
        return Path(dataset.path)
    return writable_dataset_path()


def dataset_version(path: str | os.PathLike[str] | None = None) -> str:
    """A token that changes whenever the dataset at ``path`` is saved (for caches); "" when there is none.

    Examples
    --------
    >>> dataset_version("/nonexistent")
    ''
    """
    manifest = dataset_path(path) / MANIFEST
    try:
        return hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def _read_manifest(directory: Path) -> dict[str, str] | None:
    content = _read_manifest_content(directory)
    if content is None:
        return None
    return {str(k): str(v) for k, v in content["tables"].items()}


def _read_manifest_content(directory: Path) -> dict[str, Any] | None:
    manifest = directory / MANIFEST
    if not manifest.exists():
        return None
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
        tables = content["tables"]
        if content.get("format") != _FORMAT or not isinstance(tables, dict):
            raise ValueError("unsupported format")
    except (ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{manifest}: not a dataset manifest of format {_FORMAT} ({exc})") from None
    return dict(content)


def _with_defaults(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame built before a required column joined the contract (or left it null), filled by the contract's rule."""
    if not frame.columns:
        return frame
    derived = [
        (pl.coalesce(pl.col(c), e) if c in frame.columns else e).alias(c)
        for c, e in s.added_column_defaults(name).items()
    ]
    return frame.with_columns(derived) if derived else frame


def _with_added_columns(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A stored table with the columns added to the contract after it was written: optional ones as nulls,
    required ones by the rule the contract gives for them (``schema.added_column_defaults``).

    Other key and required columns are never invented: a table lacking one still fails validation.
    """
    spec = s.TABLES[name]
    defaults = s.added_column_defaults(name)
    protected = set(spec.key) | set(spec.required)
    derived = [defaults[c].alias(c) for c in defaults if c not in frame.columns]
    missing = [c for c in spec.columns if c not in frame.columns and c not in protected and c not in defaults]
    frame = frame.with_columns(derived) if derived else frame
    return frame.with_columns(pl.lit(None, spec.schema[c]).alias(c) for c in missing) if missing else frame


def open_dataset(path: str | os.PathLike[str] | None = None, *, missing_ok: bool = False) -> Dataset:
    """Open a dataset directory; ``path=None`` opens the default dataset shipped in ``datasets/normalized/``.

    Parameters
    ----------
    path
        The dataset directory. ``None`` means ``$ANALYTICS_DATASET`` if set, else the shipped default.
    missing_ok
        Return an empty dataset when the directory holds no dataset yet, instead of raising.

    Raises
    ------
    DatasetError
        When the directory holds no dataset (and ``missing_ok`` is false) or a table file is missing or unreadable.

    Examples
    --------
    >>> ds = open_dataset()
    >>> ds.documents.columns[:2]
    ['doc_id', 'source_name']
    """
    directory = dataset_path(path)
    manifest = _read_manifest(directory)
    # A save writes its new table files, replaces the manifest, then deletes the old files: a reader that read the
    # old manifest may find a file gone. The new manifest is then in place, so read again (a few saves in a row at
    # most); a file missing under an unchanged manifest is a damaged dataset.
    for _ in range(_OPEN_ATTEMPTS):
        if manifest is None:
            if missing_ok:
                return Dataset.from_tables({}, path=directory)
            raise DatasetError(
                f"{directory}: no dataset here (no {MANIFEST}); "
                f"build one with `analytics ingest FILE --dataset {directory}`"
            )
        try:
            return _open_with(directory, manifest)
        except _TableGoneError as gone:
            newer = _read_manifest(directory)
            if newer == manifest:
                raise gone.error from None
            manifest = newer
    raise DatasetError(f"{directory}: the dataset kept changing while it was read ({_OPEN_ATTEMPTS} saves); try again")


#: How many saves in a row a reader follows before it gives up.
_OPEN_ATTEMPTS = 8


class _TableGoneError(Exception):
    """A table file the manifest names is not there (a save may have replaced it): carries the error to raise."""

    def __init__(self, error: DatasetError) -> None:
        super().__init__(str(error))
        self.error = error


def _read_table(directory: Path, file_name: str, name: str) -> pl.DataFrame:
    return _read_table_file(directory, file_name, name)[0]


def _read_table_file(directory: Path, file_name: str, name: str) -> tuple[pl.DataFrame, bool]:
    """A table file's frame, and whether its bytes still hash to its name (``<name>-<sha256[:16]>.parquet``, as
    the save that validated it wrote it)."""
    try:
        data = (directory / file_name).read_bytes()
        intact = file_name == f"{name}-{hashlib.sha256(data).hexdigest()[:16]}.parquet"
        return pl.read_parquet(io.BytesIO(data)), intact
    except FileNotFoundError as exc:
        raise _TableGoneError(DatasetError(f"{directory / file_name}: cannot read table {name!r} ({exc})")) from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DatasetError(f"{directory / file_name}: cannot read table {name!r} ({exc})") from None


def _open_with(directory: Path, manifest: Mapping[str, str]) -> Dataset:
    frames: dict[str, pl.DataFrame] = {}
    # A save validated every table it wrote: a file whose bytes still hash to its name, written under the contract
    # of today (no column added since), is checked by its columns and types only — its rows were checked once.
    validated: list[str] = []
    for name in s.TABLES:
        file_name = manifest.get(name)
        if file_name is None:
            frames[name] = s.empty_frame(name)
            continue
        frame, intact = _read_table_file(directory, file_name, name)
        if intact and set(s.TABLES[name].columns) <= set(frame.columns):
            validated.append(name)
        frames[name] = _with_added_columns(name, frame)
    try:
        return dataclasses.replace(
            Dataset.from_tables(frames, path=directory, validated=validated), fact_rows=_read_facts(directory, manifest)
        )
    except SchemaError as exc:
        raise DatasetError(f"{directory}: stored tables break the data contract: {exc}") from None


def _read_facts(directory: Path, manifest: Mapping[str, str]) -> pl.DataFrame | None:
    """The stored per-document facts; ``None`` for a dataset saved before the store kept them."""
    file_name = manifest.get(DEPARTMENT_FACTS)
    if file_name is None:
        return None
    frame = _read_table(directory, file_name, DEPARTMENT_FACTS)
    # Facts the contract added to ``departments`` after this file was written were stated by no one: nulls.
    schema = _facts_schema()
    protected = {*s.TABLES[s.DEPARTMENTS].key, *s.TABLES[s.DEPARTMENTS].required, READ_ORDER}
    added = [pl.lit(None, schema[c]).alias(c) for c in schema if c not in frame.columns and c not in protected]
    return _checked_facts(frame.with_columns(added) if added else frame)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / _LOCK, "w")  # noqa: SIM115 -- closed by the with below; only opening is guarded
    except OSError as exc:
        raise OutputError.from_os_error(directory, exc) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current_umask() -> int:
    # Linux tells the umask; elsewhere it can only be read by setting it (once, at import), which for an instant
    # changes it for every thread.
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
#: The longest prefix of a temporary name: with ``mkstemp``'s 8 random characters and ".tmp", 255 bytes (NAME_MAX).
_PREFIX_BYTES = 255 - 8 - 4


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str], *, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside ``target`` to write it through: on success it is synced and renamed over ``target``
    (atomic), on any failure removed, so that ``target`` is either the old file or the new one, whole.

    The temporary name is unique (``tempfile.mkstemp``), so concurrent writers of one target never share a file.
    The new file gets ``mode`` if given, else the old file's mode, else the usual mode of a new file (umask).

    Raises
    ------
    OutputError
        When the operating system refuses a step (no space left, no permission …), naming ``target``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with atomic_output(Path(tmp) / "out.txt") as staged:
    ...         _ = staged.write_text("whole")
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['out.txt']
    """
    target = Path(target)
    # The temporary name is the target's and 14 bytes more: a target name near the 255 bytes a name may have is cut,
    # so that it can still be written.
    prefix = f".{target.name}."
    while len(os.fsencode(prefix)) > _PREFIX_BYTES:
        prefix = f"{prefix[:-2]}."
    try:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError.from_os_error(target, exc) from None
    staged = Path(name)
    try:
        os.close(handle)
        yield staged
        if mode is None:
            try:
                mode = stat.S_IMODE(target.stat().st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~_UMASK
        os.chmod(staged, mode)
        synced = os.open(staged, os.O_RDONLY)
        try:
            os.fsync(synced)
        finally:
            os.close(synced)
        os.replace(staged, target)
    except BaseException as exc:
        staged.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError.from_os_error(target, exc) from None
        raise


def write_atomically(target: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``target`` whole or not at all, through :func:`atomic_output`.

    Raises
    ------
    OutputError
        When it cannot be written (no space left, no permission …); ``target`` is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_atomically(Path(tmp) / "out.csv", b"a\\n1\\n")
    ...     (Path(tmp) / "out.csv").read_bytes()
    b'a\\n1\\n'
    """
    with atomic_output(target, mode=mode) as staged:
        handle = os.open(staged, os.O_WRONLY | os.O_TRUNC)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
        finally:
            os.close(handle)


def _keep_sources(
    directory: Path, named: set[str], paths: Sequence[str | os.PathLike[str]], written: list[Path]
) -> None:
    """Write each file of ``paths`` whose SHA-256 a document names (``named``) into ``sources/``, atomically;
    each file written is appended to ``written``."""
    folder = directory / SOURCES_DIR
    for path in map(Path, paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DatasetError(f"{path}: cannot keep the source file with the dataset ({exc})") from None
        sha = hashlib.sha256(data).hexdigest()
        target = folder / f"{sha}{path.suffix.lower()}"
        if sha in named and not target.exists():
            folder.mkdir(exist_ok=True)
            write_atomically(target, data)
            written.append(target)


def _drop_stale_sources(directory: Path, named: set[str]) -> None:
    folder = directory / SOURCES_DIR
    if not folder.is_dir():
        return
    for kept in folder.iterdir():
        # Half-written files (".<name>.<random>.tmp") of a save that died are stale too.
        if kept.is_file() and (kept.name.startswith(".") or kept.name.partition(".")[0] not in named):
            kept.unlink()


def _save_unlocked(
    dataset: Dataset, directory: Path, sources: Sequence[str | os.PathLike[str]] = (), *, flags_of: str | None = None
) -> Dataset:
    checked = Dataset.from_tables(_sorted(dataset.tables), path=directory)
    facts = _checked_facts(_sorted_facts(dataset.department_facts))
    named = set(checked.documents.get_column(s.SOURCE_SHA256).drop_nulls().to_list())
    # Every file this save adds; should it fail before the manifest names them, they are removed again, so that
    # a full disk leaves the dataset exactly as it was, without orphan table files.
    written: list[Path] = []
    try:
        _keep_sources(directory, named, sources, written)
        names: dict[str, str] = {}
        for name, frame in {**checked.tables, DEPARTMENT_FACTS: facts}.items():
            buffer = io.BytesIO()
            frame.write_parquet(buffer, compression="zstd", statistics=True)
            data = buffer.getvalue()
            file_name = f"{name}-{hashlib.sha256(data).hexdigest()[:16]}.parquet"
            if not (directory / file_name).exists():
                write_atomically(directory / file_name, data)
                written.append(directory / file_name)
            names[name] = file_name
        content: dict[str, object] = {"format": _FORMAT, "tables": names}
        if flags_of is not None:
            content[_FLAGS_OF] = _flags_basis(names, flags_of)
        manifest = json.dumps(content, ensure_ascii=False, indent=2) + "\n"
        write_atomically(directory / MANIFEST, manifest.encode("utf-8"))
    except BaseException:
        for added in written:
            added.unlink(missing_ok=True)
        raise
    # Only now, with the new manifest in place, are the old table files garbage.
    keep = {*names.values(), MANIFEST, _LOCK}
    for stale in directory.glob("*.parquet"):
        if stale.name not in keep:
            stale.unlink()
    # Temporary files of a save that was killed while writing them: this save holds the lock, so none is in use.
    for staged in directory.glob(".*.tmp"):
        if _STAGED.fullmatch(staged.name):
            staged.unlink(missing_ok=True)
    _drop_stale_sources(directory, named)
    return dataclasses.replace(checked, fact_rows=facts)


def save_dataset(dataset: Dataset, path: str | os.PathLike[str] | None = None) -> Dataset:
    """Write ``dataset`` to ``path`` atomically: readers see either the old dataset or the new one, whole.

    Returns the dataset as stored (validated, rows in key order).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_dataset(Dataset.empty(), tmp).documents.height
    0
    """
    directory = _write_target(path, dataset)
    with _locked(directory):
        return _save_unlocked(dataset, directory)


def update_dataset(
    incoming: Dataset,
    path: str | os.PathLike[str] | None = None,
    *,
    refresh: Callable[[Dataset], Dataset] | None = None,
    sources: Sequence[str | os.PathLike[str]] = (),
) -> Dataset:
    """Merge ``incoming`` documents into the dataset at ``path`` (replacing same ``doc_id``) and save atomically.

    ``refresh`` derives what depends on the whole dataset (the checks' flags) from the merged dataset before it is
    saved. The read, merge and write happen under the dataset's lock, so two concurrent ingests cannot lose each
    other's rows. If anything fails, the stored dataset is left exactly as it was. ``sources`` are the files the
    documents were read from: each one a document names (by ``source_sha256``) is kept in the dataset's
    ``sources/`` folder, so that a figure can be shown on its page (``analytics.evidence``).
    """
    directory = _write_target(path)
    with _locked(directory):
        current = open_dataset(directory, missing_ok=True)
        merged = current.replace_documents(incoming)
        replaced = current.documents.filter(pl.col(s.DOC_ID).is_in(incoming.documents.get_column(s.DOC_ID).implode()))
        touched = _departments(incoming.documents, replaced)
        refreshed, flags_of = _refreshed(refresh, current, merged, touched, directory)
        return _save_unlocked(refreshed, directory, sources, flags_of=flags_of)


def remove_documents(
    names: Sequence[str],
    path: str | os.PathLike[str] | None = None,
    *,
    refresh: Callable[[Dataset], Dataset] | None = None,
) -> tuple[Dataset, list[str]]:
    """Remove the documents ``names`` (doc_ids or file names) from the dataset at ``path`` and save atomically,
    under its lock; ``refresh`` derives the flags again. Returns the stored dataset and the removed doc_ids. A name
    the dataset does not hold is a ``DatasetError`` and nothing is written."""
    directory = _write_target(path)
    with _locked(directory):
        current = open_dataset(directory)
        doc_ids = current.document_ids(names)
        remaining = current.without_documents(doc_ids)
        touched = _departments(current.documents.filter(pl.col(s.DOC_ID).is_in(doc_ids)))
        refreshed, flags_of = _refreshed(refresh, current, remaining, touched, directory)
        return _save_unlocked(refreshed, directory, flags_of=flags_of), doc_ids


def refresh_dataset(refresh: Callable[[Dataset], Dataset], path: str | os.PathLike[str] | None = None) -> Dataset:
    """Recompute derived tables of the stored dataset (e.g. its flags) and save it atomically, under its lock."""
    directory = _write_target(path)
    with _locked(directory):
        return _save_unlocked(refresh(open_dataset(directory)), directory, flags_of=_fingerprint_of(refresh))


#: The manifest's record of what the stored flags were derived from (``_flags_basis``).
_FLAGS_OF = "flags_of"


class IncrementalRefresh(Protocol):
    """A refresh (``refresh(dataset) -> dataset``) that can also derive again only what a change to some
    departments touched: ``since(dataset, flags, departments)``, given the flags derived before the change; and
    ``fingerprint()``, what its results depend on besides the data (the code). ``analytics.pipeline.all_flags``."""

    def __call__(self, dataset: Dataset) -> Dataset: ...

    def since(self, dataset: Dataset, flags: pl.DataFrame, departments: frozenset[str]) -> Dataset: ...

    def fingerprint(self) -> str: ...


def _fingerprint_of(refresh: object) -> str | None:
    fingerprint = getattr(refresh, "fingerprint", None)
    return str(fingerprint()) if callable(fingerprint) else None


def _flags_basis(tables: Mapping[str, str], fingerprint: str) -> str:
    """What stored flags were derived from: every other table's file (named by its content) and the code."""
    data = {name: file for name, file in sorted(tables.items()) if name != s.FLAGS}
    return hashlib.sha256(json.dumps([data, fingerprint]).encode()).hexdigest()[:16]


def _departments(*documents: pl.DataFrame) -> frozenset[str]:
    return frozenset(d for frame in documents for d in frame.get_column(s.DEPARTMENT_ID).to_list())


def _refreshed(
    refresh: Callable[[Dataset], Dataset] | None,
    current: Dataset,
    changed: Dataset,
    departments: frozenset[str],
    directory: Path,
) -> tuple[Dataset, str | None]:
    """``changed`` with what depends on the data derived again, and the fingerprint to record with it.

    When the stored flags were derived, by this code, from exactly the stored tables (the manifest's ``flags_of``
    says so), an ``IncrementalRefresh`` derives again only what ``departments`` touched; otherwise, in full.
    """
    if refresh is None:
        return changed, None
    fingerprint = _fingerprint_of(refresh)
    since = getattr(refresh, "since", None)
    if fingerprint is None or since is None:
        return refresh(changed), fingerprint
    stored = _read_manifest_content(directory)
    tables = stored.get("tables") if stored else None
    if isinstance(tables, dict) and stored and stored.get(_FLAGS_OF) == _flags_basis(tables, fingerprint):
        return since(changed, current.flags, departments), fingerprint
    return refresh(changed), fingerprint
