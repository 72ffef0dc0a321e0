"""The disclosure score: how completely, in how much detail and how consistently each disclosure was published.

The items, their points and their sources are data (``analytics/reference/disclosure_score.csv``). The dimensions
are those of the 财政部 地方预决算公开专项检查 (完整性, 细化程度, 真实性与准确性, 及时性, 公开方式); what each
item asks for is what 《预算法》第十四条 and the 财政部《地方预决算公开操作规程》(财预〔2016〕143号) require of a
部门预算 / 部门决算 (the required tables, 功能分类到项级, 经济分类到款级, the “三公” parts and their explanation,
the sections of the narrative, performance targets). Neither source publishes points for a department's
disclosure: the weights are this project's, stated in the file. Only what the dataset can measure is scored; an item
it cannot measure for a disclosure (no text stored, an item the form does not ask for) is left out and the total is
scaled to 100 over the items scored. 及时性 and 公开方式 are listed with no points: the dataset does not record when
or where a document was published.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from analytics import schema as s
from analytics.coverage import NOT_RUN, coverage
from analytics.reading import reading_report
from analytics.reference import reference_rows, table_catalog
from analytics.store import Dataset

__all__ = [
    "CONSISTENCY_FAMILIES",
    "ITEM_COLUMNS",
    "SCORE_COLUMNS",
    "disclosure_score_items",
    "disclosure_scores",
    "score_catalog",
]

#: The families of checks whose passing counts towards the item ``consistency`` (not the readers' doubts, not the
#: anomaly models, not completeness, which items of its own measure).
CONSISTENCY_FAMILIES = ("table", "cross", "narrative", "targets", "spending", "hygiene")
ITEM, POINTS, MAX_POINTS, SCORED = "item", "points", "max_points", "scored"
DETAIL_ZH, DETAIL_EN = "detail_zh", "detail_en"
FORM, SCORE, SCORED_MAX, RANK, RANK_OF = "form", "score", "scored_max", "rank", "rank_of"
_HEAD = (s.DISCLOSURE_ID, s.DEPARTMENT_ID, s.NAME, s.REGION, s.FISCAL_YEAR, s.PHASE, s.SCOPE, FORM)
#: Columns of ``disclosure_score_items``.
ITEM_COLUMNS = (
    *_HEAD,
    ITEM,
    "dimension_zh",
    "dimension_en",
    "name_zh",
    "name_en",
    POINTS,
    MAX_POINTS,
    SCORED,
    DETAIL_ZH,
    DETAIL_EN,
)
#: Columns of ``disclosure_scores`` (after the head, one column per scored item, then these).
SCORE_COLUMNS = (POINTS, SCORED_MAX, SCORE, RANK, RANK_OF)
_FUNCTION_TABLES = ("general_budget_function", "fiscal_appropriation_function")
_ECONOMIC_TABLES = ("general_budget_basic_economic", "fiscal_appropriation_basic_economic")
_THREE_PUBLIC_PARTS = {
    "overseas_travel": ("overseas_travel",),
    "vehicles": ("vehicles", "vehicle_purchase", "vehicle_operation"),
    "reception": ("reception",),
}
#: The words that name each part where the text states it ("因公出国（境）费 0 万元"): a part printed as a dash or
#: left blank in the table (a department with no such spending) is still published by part.
_THREE_PUBLIC_WORDS = {"overseas_travel": "因公出国", "vehicles": "公务用车", "reception": "公务接待"}
_THREE_PUBLIC_TEXT = r"三公.*(?:增|减|持平|原因|主要)"


@cache
def score_catalog() -> pl.DataFrame:
    """``disclosure_score.csv``: each item, its dimension, points, the forms and phases it applies to, what it
    measures and its source.

    Examples
    --------
    >>> score_catalog().get_column("points").sum()
    100
    """
    rows = reference_rows("disclosure_score.csv")
    return pl.DataFrame(list(rows)).with_columns(pl.col("points").cast(pl.Int64))


def _heads(ds: Dataset) -> pl.DataFrame:
    report = reading_report(ds).select(
        s.DISCLOSURE_ID, s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE, FORM, "tables_expected", "tables_found",
        "tables_missing", "tables_unreadable",
    )  # fmt: skip
    first = ds.documents.sort(s.SOURCE_NAME).unique(s.DISCLOSURE_ID, keep="first")
    names = ds.departments.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, pl.col(s.NAME).alias("_name"))
    return (
        report.join(first.select(s.DISCLOSURE_ID, s.DEPARTMENT, s.REGION), on=s.DISCLOSURE_ID, how="left")
        .join(names, on=[s.DEPARTMENT_ID, s.FISCAL_YEAR], how="left")
        .with_columns(pl.coalesce("_name", s.DEPARTMENT, s.DEPARTMENT_ID).alias(s.NAME))
        .drop("_name", s.DEPARTMENT)
    )


def _of_disclosure(frame: pl.DataFrame, ds: Dataset) -> pl.DataFrame:
    return frame.join(ds.documents.select(s.DOC_ID, s.DISCLOSURE_ID), on=s.DOC_ID)


def _present(frame: pl.DataFrame, ds: Dataset, name: str) -> pl.DataFrame:
    return _of_disclosure(frame, ds).select(s.DISCLOSURE_ID).unique().with_columns(pl.lit(True).alias(name))


def _sections_missing(ds: Dataset) -> pl.DataFrame | None:
    """Per disclosure with text, how many sections of its form the narrative lacks (rule completeness.sections,
    run now so a dataset's older flags do not count); ``None`` when the catalog has no such rule."""
    from analytics.checks import (
        RULES,
        _rules,  # noqa: F401 - registers the catalog
        load_settings,
    )

    spec = RULES.get("completeness.sections")
    if spec is None:
        return None
    found = spec.run(ds, load_settings())
    return (
        _of_disclosure(found.select(s.DOC_ID, s.SUBJECT), ds)
        .group_by(s.DISCLOSURE_ID)
        .agg(pl.col(s.SUBJECT).n_unique().cast(pl.Int64).alias("_sections_missing"))
    )


def _section_counts() -> pl.DataFrame:
    try:
        rows = reference_rows("sections.csv")
    except FileNotFoundError:
        rows = ()
    frame = pl.DataFrame(list(rows), schema=dict.fromkeys(("form", "phase", "section"), pl.String))
    return frame.group_by(FORM, s.PHASE).agg(pl.len().cast(pl.Int64).alias("_sections_required"))


def _measured(ds: Dataset) -> pl.DataFrame:
    """One row per disclosure with what the items measure (counts and flags), before points."""
    heads = _heads(ds)
    lines = _of_disclosure(ds.lines.filter(pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR)), ds)
    levels = lines.group_by(s.DISCLOSURE_ID).agg(
        (pl.col(s.TABLE).is_in(_FUNCTION_TABLES) & (pl.col(s.LEVEL) >= 3)).any().alias("_function_item"),
        pl.col(s.TABLE).is_in(_FUNCTION_TABLES).any().alias("_function_read"),
        (pl.col(s.TABLE).is_in(_ECONOMIC_TABLES) & (pl.col(s.LEVEL) >= 2)).any().alias("_economic_class"),
        pl.col(s.TABLE).is_in(_ECONOMIC_TABLES).any().alias("_economic_read"),
        *(
            ((pl.col(s.TABLE) == "three_public_and_operation") & pl.col(s.COLUMN).is_in(columns))
            .any()
            .alias(f"_part_{part}")
            for part, columns in _THREE_PUBLIC_PARTS.items()
        ),
    )
    named = (
        _of_disclosure(
            pl.concat(
                [ds.document_text.select(s.DOC_ID, s.SOURCE_TEXT), ds.statements.select(s.DOC_ID, s.SOURCE_TEXT)]
            ),
            ds,
        )
        .group_by(s.DISCLOSURE_ID)
        .agg(
            pl.col(s.SOURCE_TEXT).str.contains(word).any().alias(f"_named_{part}")
            for part, word in _THREE_PUBLIC_WORDS.items()
        )
    )
    explained_statements = _present(
        ds.statements.filter(pl.col(s.SUBJECT).str.contains("三公") | pl.col(s.SOURCE_TEXT).str.contains("三公")),
        ds,
        "_explained_statement",
    )
    explained_text = _present(
        ds.document_text.filter(pl.col(s.SOURCE_TEXT).str.contains(_THREE_PUBLIC_TEXT)), ds, "_explained_text"
    )
    ledger = coverage(ds)
    ran = ledger.filter(
        (pl.col("kind") == "rule") & pl.col(s.FAMILY).is_in(CONSISTENCY_FAMILIES) & (pl.col(s.STATUS) != NOT_RUN)
    ).select(s.DISCLOSURE_ID, s.RULE_ID)
    failed = (
        _of_disclosure(ds.flags.filter(pl.col(s.SEVERITY).is_in(["warning", "error"])), ds)
        .select(s.DISCLOSURE_ID, s.RULE_ID)
        .unique()
        .join(ran, on=[s.DISCLOSURE_ID, s.RULE_ID], how="semi")
    )
    checks = (
        ran.group_by(s.DISCLOSURE_ID)
        .agg(pl.len().cast(pl.Int64).alias("_checks_ran"))
        .join(
            failed.group_by(s.DISCLOSURE_ID).agg(pl.len().cast(pl.Int64).alias("_checks_failed")),
            on=s.DISCLOSURE_ID,
            how="left",
        )
    )
    measured = (
        heads.join(levels, on=s.DISCLOSURE_ID, how="left")
        .join(_present(ds.statements, ds, "_statements"), on=s.DISCLOSURE_ID, how="left")
        .join(_present(ds.document_text, ds, "_text"), on=s.DISCLOSURE_ID, how="left")
        .join(_present(ds.indicators, ds, "_targets"), on=s.DISCLOSURE_ID, how="left")
        .join(named, on=s.DISCLOSURE_ID, how="left")
        .join(explained_statements, on=s.DISCLOSURE_ID, how="left")
        .join(explained_text, on=s.DISCLOSURE_ID, how="left")
        .join(checks, on=s.DISCLOSURE_ID, how="left")
        .join(_section_counts(), on=[FORM, s.PHASE], how="left")
    )
    missing = _sections_missing(ds)
    if missing is None:
        measured = measured.with_columns(pl.lit(None, pl.Int64).alias("_sections_missing"), pl.lit(0).alias("_rule"))
    else:
        measured = measured.join(missing, on=s.DISCLOSURE_ID, how="left").with_columns(pl.lit(1).alias("_rule"))
    flags = [c for c in measured.columns if measured.schema[c] == pl.Boolean]
    return measured.with_columns(
        pl.col(flags).fill_null(False),
        pl.col("_checks_ran", "_checks_failed", "_sections_required").fill_null(0),
        pl.when(pl.col("_rule") == 1).then(pl.col("_sections_missing").fill_null(0)).alias("_sections_missing"),
    )


def _table_names(column: str) -> pl.Expr:
    names = dict(table_catalog().select("key", "name_zh").rows())
    return pl.col(column).list.eval(pl.element().replace_strict(names, default=pl.element())).list.join("、")


def _items(measured: pl.DataFrame) -> dict[str, tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]]:
    """Per item: the share of its points earned (0-1), whether it is scored, and its detail (zh, en)."""
    yes_zh, no_zh = pl.lit("是"), pl.lit("否")
    yes_en, no_en = pl.lit("yes"), pl.lit("no")
    parts = sum((pl.col(f"_part_{p}") | pl.col(f"_named_{p}")).cast(pl.Int64) for p in _THREE_PUBLIC_PARTS)
    sections_found = pl.col("_sections_required") - pl.col("_sections_missing")
    passed = pl.col("_checks_ran") - pl.col("_checks_failed")
    missing_zh = pl.when(pl.col("tables_missing").list.len() > 0).then(
        pl.concat_str(pl.lit("；缺："), _table_names("tables_missing"))
    )
    missing_en = pl.when(pl.col("tables_missing").list.len() > 0).then(
        pl.concat_str(pl.lit("; missing: "), pl.col("tables_missing").list.join(", "))
    )
    return {
        "tables": (
            pl.col("tables_found") / pl.col("tables_expected"),
            pl.col("tables_expected") > 0,
            pl.concat_str(
                pl.lit("应有 "),
                pl.col("tables_expected").cast(pl.String),
                pl.lit(" 张，已公开 "),
                pl.col("tables_found").cast(pl.String),
                pl.lit(" 张"),
                missing_zh.fill_null(""),
            ),
            pl.concat_str(
                pl.col("tables_found").cast(pl.String),
                pl.lit(" of "),
                pl.col("tables_expected").cast(pl.String),
                pl.lit(" required tables"),
                missing_en.fill_null(""),
            ),
        ),
        "sections": (
            sections_found / pl.col("_sections_required"),
            pl.col("_text") & pl.col("_sections_missing").is_not_null() & (pl.col("_sections_required") > 0),
            pl.when(pl.col("_text"))
            .then(
                pl.concat_str(
                    pl.lit("应有 "),
                    pl.col("_sections_required").cast(pl.String),
                    pl.lit(" 部分，已有 "),
                    sections_found.cast(pl.String),
                    pl.lit(" 部分"),
                )
            )
            .otherwise(pl.lit("数据集未保存文件原文，未评分")),
            pl.when(pl.col("_text"))
            .then(
                pl.concat_str(
                    sections_found.cast(pl.String),
                    pl.lit(" of "),
                    pl.col("_sections_required").cast(pl.String),
                    pl.lit(" sections"),
                )
            )
            .otherwise(pl.lit("the document's text is not stored: not scored")),
        ),
        "function_item": (
            pl.col("_function_item").cast(pl.Float64),
            pl.lit(True),
            pl.when(pl.col("_function_item"))
            .then(pl.lit("功能分类列至项级"))
            .when(pl.col("_function_read"))
            .then(pl.lit("功能分类未列至项级"))
            .otherwise(pl.lit("未读出功能分类表")),
            pl.when(pl.col("_function_item"))
            .then(pl.lit("function classes down to 项"))
            .when(pl.col("_function_read"))
            .then(pl.lit("function classes not down to 项"))
            .otherwise(pl.lit("no function table read")),
        ),
        "economic_class": (
            pl.col("_economic_class").cast(pl.Float64),
            pl.lit(True),
            pl.when(pl.col("_economic_class"))
            .then(pl.lit("经济分类列至款级"))
            .when(pl.col("_economic_read"))
            .then(pl.lit("经济分类未列至款级"))
            .otherwise(pl.lit("未读出基本支出经济分类表")),
            pl.when(pl.col("_economic_class"))
            .then(pl.lit("economic classes down to 款"))
            .when(pl.col("_economic_read"))
            .then(pl.lit("economic classes not down to 款"))
            .otherwise(pl.lit("no basic expenditure table read")),
        ),
        "three_public_parts": (
            parts / len(_THREE_PUBLIC_PARTS),
            pl.lit(True),
            pl.concat_str(pl.lit("分项 "), parts.cast(pl.String), pl.lit(f" / {len(_THREE_PUBLIC_PARTS)}")),
            pl.concat_str(parts.cast(pl.String), pl.lit(f" of {len(_THREE_PUBLIC_PARTS)} parts")),
        ),
        "three_public_explained": (
            (pl.col("_explained_statement") | pl.col("_explained_text")).cast(pl.Float64),
            pl.col("_statements") | pl.col("_text"),
            pl.when(pl.col("_explained_statement") | pl.col("_explained_text")).then(yes_zh).otherwise(no_zh),
            pl.when(pl.col("_explained_statement") | pl.col("_explained_text")).then(yes_en).otherwise(no_en),
        ),
        "targets": (
            pl.col("_targets").cast(pl.Float64),
            pl.lit(True),
            pl.when(pl.col("_targets")).then(yes_zh).otherwise(no_zh),
            pl.when(pl.col("_targets")).then(yes_en).otherwise(no_en),
        ),
        "consistency": (
            passed / pl.col("_checks_ran"),
            pl.col("_checks_ran") > 0,
            pl.concat_str(
                pl.lit("已进行 "),
                pl.col("_checks_ran").cast(pl.String),
                pl.lit(" 项核对，"),
                passed.cast(pl.String),
                pl.lit(" 项未发现警示或错误"),
            ),
            pl.concat_str(
                passed.cast(pl.String),
                pl.lit(" of "),
                pl.col("_checks_ran").cast(pl.String),
                pl.lit(" checks raised no warning or error"),
            ),
        ),
    }


def disclosure_score_items(ds: Dataset) -> pl.DataFrame:
    """Each disclosure's points on each item of ``disclosure_score.csv``, with what was measured.

    Returns
    -------
    polars.DataFrame
        ``ITEM_COLUMNS``: the disclosure (id, department, year, phase, scope, form), the item, its points and its
        maximum, ``scored`` (false for an item the dataset cannot measure for it, or that its form and phase do not
        ask for: such an item has null points) and what was measured (``detail_zh`` / ``detail_en``).

    Examples
    --------
    >>> disclosure_score_items(Dataset.empty()).columns[:2]
    ['disclosure_id', 'department_id']
    """
    measured = _measured(ds)
    frames = []
    for item in score_catalog().iter_rows(named=True):
        head = [
            *(pl.col(c) for c in _HEAD),
            *(pl.lit(item[c]).alias(c) for c in (ITEM, "dimension_zh", "dimension_en", "name_zh", "name_en")),
        ]
        forms, phases = (item["forms"] or "").split("|"), (item["phases"] or "").split("|")
        applies = pl.col(FORM).is_in(forms) & pl.col(s.PHASE).is_in(phases)
        if item[ITEM] not in _items(measured):
            earned, scored = pl.lit(0.0), pl.lit(False)
            detail_zh, detail_en = pl.lit("未评分：" + item["measure"]), pl.lit("not scored: " + item["measure"])
        else:
            earned, scored, detail_zh, detail_en = _items(measured)[item[ITEM]]
        scored = (scored & applies & (item["points"] > 0)).fill_null(False)
        if item[ITEM] not in _items(measured):
            detail_zh = pl.lit(f"未评分：{_NOT_SCORED.get(item[ITEM], '')}")
            detail_en = pl.lit(f"not scored: {_NOT_SCORED_EN.get(item[ITEM], '')}")
        else:
            detail_zh = pl.when(applies).then(detail_zh).otherwise(pl.lit("本项不适用于此类公开"))
            detail_en = pl.when(applies).then(detail_en).otherwise(pl.lit("not asked of this kind of disclosure"))
        frames.append(
            measured.select(
                *head,
                pl.when(scored).then((earned * item["points"]).round(2)).alias(POINTS),
                pl.lit(float(item["points"])).alias(MAX_POINTS),
                scored.alias(SCORED),
                detail_zh.alias(DETAIL_ZH),
                detail_en.alias(DETAIL_EN),
            )
        )
    if not frames or measured.is_empty():
        return pl.DataFrame(schema=_item_schema())
    return pl.concat(frames, how="vertical_relaxed").select(ITEM_COLUMNS).cast(_item_schema())


_NOT_SCORED = {"timeliness": "数据集未记录公开日期", "access": "数据集未记录公开的平台与方式"}
_NOT_SCORED_EN = {"timeliness": "the dataset records no publication date", "access": "the dataset records no platform"}


def _item_schema() -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = dict.fromkeys(ITEM_COLUMNS, pl.String())
    schema |= {s.FISCAL_YEAR: pl.Int32(), POINTS: pl.Float64(), MAX_POINTS: pl.Float64(), SCORED: pl.Boolean()}
    return schema


def disclosure_scores(ds: Dataset) -> pl.DataFrame:
    """One row per disclosure (department, year, phase and scope): each item's points, the total scaled to 100
    over the items scored, and the rank among the disclosures of the same region, year, phase and scope.

    Returns
    -------
    polars.DataFrame
        The disclosure (``disclosure_id, department_id, name, region, fiscal_year, phase, scope, form``), one
        Float64 column per item (null when not scored), then ``points`` (earned), ``scored_max`` (the points of
        the items scored), ``score`` (``points ÷ scored_max × 100``, one decimal), ``rank`` (1 = best; ties share
        a rank) and ``rank_of`` (how many disclosures it is ranked among). Best first within each group.

    Examples
    --------
    >>> disclosure_scores(Dataset.empty()).columns[-3:]
    ['score', 'rank', 'rank_of']
    """
    items = disclosure_score_items(ds)
    names = [r for r in score_catalog().get_column(ITEM).to_list() if r not in _NOT_SCORED]
    head = [c for c in _HEAD]
    if items.is_empty():
        schema = {**{c: _item_schema()[c] for c in head}, **dict.fromkeys(names, pl.Float64())}
        schema |= {POINTS: pl.Float64(), SCORED_MAX: pl.Float64(), SCORE: pl.Float64()}
        return pl.DataFrame(schema=schema | {RANK: pl.UInt32(), RANK_OF: pl.UInt32()})
    wide = items.filter(pl.col(ITEM).is_in(names)).pivot(on=ITEM, index=head, values=POINTS, aggregate_function="first")
    totals = items.group_by(s.DISCLOSURE_ID).agg(
        pl.col(POINTS).sum().round(2).alias(POINTS),
        pl.col(MAX_POINTS).filter(pl.col(SCORED)).sum().alias(SCORED_MAX),
    )
    group = [s.REGION, s.FISCAL_YEAR, s.PHASE, s.SCOPE]
    return (
        wide.join(totals, on=s.DISCLOSURE_ID)
        .with_columns(
            pl.when(pl.col(SCORED_MAX) > 0).then((pl.col(POINTS) / pl.col(SCORED_MAX) * 100).round(1)).alias(SCORE)
        )
        .with_columns(
            pl.col(SCORE).rank("min", descending=True).over(group).alias(RANK),
            pl.len().over(group).cast(pl.UInt32).alias(RANK_OF),
        )
        .select(*head, *names, *SCORE_COLUMNS)
        .sort([s.REGION, s.FISCAL_YEAR, s.PHASE, s.SCOPE, RANK, s.NAME], nulls_last=True)
    )
