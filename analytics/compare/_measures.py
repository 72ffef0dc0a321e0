"""Headline measures per department and year, from whichever table states them, and their trends.

A measure (收入合计, 基本支出, 人员经费 …) may be printed by several tables and several documents (a 2023 budget
prints 2022 and 2021 as well): the figure of the year's own document wins, then a department's own disclosure over
a unit's, then the most recent document, then the most authoritative table.

A final account (决算) prints budget columns beside its 决算数 (年初预算 / 预算数, 调整预算 / 全年预算数): every
measure is of one basis (``schema.AMOUNT_BASES``), the 决算数 unless another is asked for, so that a budget column is
never taken for what was spent.

Where no table states a measure (the tables were not published as text, or leave the cell blank), the document's
narrative may (``stated_in`` = ``narrative``: wordings in ``reference/narrative_measures.csv``, bases in
``reference/narrative_bases.csv``); a 三公 figure the others of the same department-year determine is ``derived``.

Every figure carries how far its reading is confirmed (``verification``, ``verified_by``): a table's figure the
reader's, of the line it was taken from (of the weakest of the lines it adds up, for a sum); a figure computed by
an identity the weakest of its inputs'; a narrative's figure ``unverified`` unless the 三公 identities over the
department-year's stated figures hold (``verified``) or fail (``contradicted``), see :func:`_narrative_checked`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import polars as pl

from analytics import labels
from analytics import schema as s
from analytics.compare import _columns as c
from analytics.compare._common import latest_names, prefer, scopes
from analytics.reference import reference_rows
from analytics.store import Dataset

__all__ = [
    "BASIS_LABELS",
    "COMPONENT_LABELS",
    "MEASURE_LABELS",
    "PHASE_BASES",
    "STATED_SOURCES",
    "measures",
    "trends",
]

#: Chinese and English labels of the measures (``analytics.labels``).
MEASURE_LABELS = labels.MEASURES
#: Measures read as one column of the 三公 table's total row (the column is the measure's name).
_THREE_PUBLIC_PARTS = ("overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation", "reception")
#: The 三公经费 and its three parts, of which a department-year's shown figures may determine one not stated.
_DERIVED_PARTS = ("three_public", "overseas_travel", "vehicles", "reception")
#: Where a measure comes from: a table of the document, only its narrative (the tables were not published as text,
#: or not at all), or the identities of the 三公经费 over figures of either (``_derived``): ``stated_in``.
STATED_SOURCES = ("table", "narrative", "derived")
#: Chinese and English labels of the keyed components of the ``category`` dimension (other components are printed
#: names and show as they are).
COMPONENT_LABELS = {
    "basic": MEASURE_LABELS["basic"],
    "project": MEASURE_LABELS["project"],
    "reserve": ("预备费", "Reserve fund"),
}

#: Chinese and English labels of what a figure is (``schema.AMOUNT_BASES``).
BASIS_LABELS = labels.AMOUNT_BASES
#: The bases a document of each phase prints, its own figure first: a budget only its budget; a final account its
#: 决算数 and, where its tables have the columns, the 年初预算 and the 调整预算 it is measured against.
PHASE_BASES = {"budget": ("budget",), "final": ("actual", "initial_budget", "adjusted_budget")}

_COMPOSITION = "performance_fund_composition"
#: How strongly a reading is confirmed, weakest first: a figure computed from others is as strong as the weakest.
_STRENGTH = {verification: rank for rank, verification in enumerate(("contradicted", "unverified", "verified"))}
_WHY_SEPARATOR = "; "
#: The name of a 收支总表's subtotal that is the year's own (本年收入合计, 当年收入小计, or a 收入合计 above a 总计).
_YEAR_SUBTOTAL = "本年|当年|^收入合计$|^支出合计$"
#: The cross-tab column in which a final account prints a budget basis's figures beside its 决算数 (年初预算数,
#: 全年 / 调整预算数 columns): for that basis it is the total, as ``total`` is for the 决算数.
_BASIS_COLUMNS = {"initial_budget": "initial_budget", "adjusted_budget": "full_year_budget"}


def _basis() -> pl.Expr:
    """A line's basis. A final account's 年初预算数 / 全年预算数 column is that budget whatever the line says: lines
    stored before figures had a basis are all their phase's own figure (the 决算数) by default."""
    by_column = pl.col(s.COLUMN).replace_strict(
        {column: basis for basis, column in _BASIS_COLUMNS.items()}, default=pl.col(s.AMOUNT_BASIS)
    )
    return pl.when(pl.col(s.PHASE) == "final").then(by_column).otherwise(pl.col(s.AMOUNT_BASIS))


def _strength(verification: pl.Expr) -> pl.Expr:
    """The rank of a verification in ``_STRENGTH`` (a line stored before reads were verified is unverified)."""
    return verification.replace_strict(_STRENGTH, default=_STRENGTH["unverified"], return_dtype=pl.Int8)


def _verification(strength: pl.Expr) -> pl.Expr:
    """The verification of a ``_strength`` rank."""
    names = {rank: verification for verification, rank in _STRENGTH.items()}
    return strength.replace_strict(names, default="unverified", return_dtype=pl.String)


def _joined(reasons: pl.Expr) -> pl.Expr:
    """The distinct reasons of a group joined, in order; null when there are none."""
    joined = reasons.drop_nulls().unique(maintain_order=True).str.join(_WHY_SEPARATOR)
    return pl.when(joined != "").then(joined)


def _weakest(rows: pl.Expr | None = None) -> list[pl.Expr]:
    """In an aggregation: the ``verification`` of a figure computed from the group's lines (those of ``rows``), the
    weakest of theirs, and its ``verified_by``: the reasons of the lines that weak (why they fail, or what confirms
    them)."""
    strength = _strength(pl.col(s.VERIFICATION))
    reasons = pl.col(s.VERIFIED_BY)
    if rows is not None:
        strength, reasons = strength.filter(rows), reasons.filter(rows)
    weakest = strength.min()
    return [
        _verification(weakest).alias(s.VERIFICATION),
        _joined(reasons.filter(strength == weakest)).alias(s.VERIFIED_BY),
    ]


def _candidates(lines: pl.LazyFrame, bases: Sequence[str]) -> pl.LazyFrame:
    """Every printed figure of ``bases`` that states a measure, with its basis (``amount_basis``) and the rank of
    its source table (lower wins).

    The basis is part of every figure: no filter below (nor a sum) can mix a final account's 年初预算 with its
    决算数, however its 收支总表, 支出总表 or 三公 table pairs them.
    """
    basis = pl.col(s.AMOUNT_BASIS)
    lines = lines.with_columns(_basis().alias(s.AMOUNT_BASIS)).filter(basis.is_in(bases))
    total_rows = pl.col(s.CLASSIFICATION) == "total"
    # The year's own subtotal of a 收支总表 (本年收入合计, 当年支出小计), above its 总计.
    year_rows = (pl.col(s.CLASSIFICATION) == "subtotal") & pl.col(s.NAME).str.contains(_YEAR_SUBTOTAL)
    figure = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AS_OF_YEAR, s.DOC_ID, s.AMOUNT_BASIS]

    def stated(frame: pl.LazyFrame, measure: str, rank: int) -> pl.LazyFrame:
        return frame.select(
            *figure,
            s.AMOUNT_YUAN,
            s.VERIFICATION,
            s.VERIFIED_BY,
            pl.lit(measure).alias(c.MEASURE),
            pl.lit(rank).alias("_rank"),
        )

    def pick(measure: str, rank: int, condition: pl.Expr) -> pl.LazyFrame:
        return stated(lines.filter(condition), measure, rank)

    def summed(condition: pl.Expr) -> pl.LazyFrame:
        """The sum of the rows of each figure (department, year, document) that meet ``condition``, and their count."""
        return (
            lines.filter(condition).group_by(figure).agg(pl.col(s.AMOUNT_YUAN).sum(), pl.len().alias("_n"), *_weakest())
        )

    table = pl.col(s.TABLE)
    column = pl.col(s.COLUMN)
    name = pl.col(s.NAME)
    # The basis's total column: 合计 / 决算数 / 预算数, or a final account's 年初预算数 / 全年预算数 column.
    own_column = basis.replace_strict(_BASIS_COLUMNS, default=pl.lit(None, pl.String), return_dtype=pl.String)
    total_column = (column == "total") | (column == own_column).fill_null(value=False)
    composition_part = (table == _COMPOSITION) & (pl.col(s.SIDE) == "expenditure")
    parts = [
        # A 收支总表 may split its expenditure total by column (基本 / 项目 …): only the 合计 column is the total.
        pick(
            "income_total",
            0,
            (table == "income_expenditure_summary") & total_rows & (pl.col(s.SIDE) == "income") & total_column,
        ),
        pick("income_total", 1, (table == _COMPOSITION) & total_rows & (pl.col(s.SIDE) == "income")),
        pick(
            "expenditure_total",
            0,
            (table == "income_expenditure_summary") & total_rows & (pl.col(s.SIDE) == "expenditure") & total_column,
        ),
        pick("expenditure_total", 1, composition_part & total_rows),
        # A 收支总表 that prints its 总计 apart from the year's own 本年收入合计 / 当年收入小计 (the 总计 adds 上年结转
        # and 结余): that subtotal is the year's.
        pick(
            "income_year_total",
            0,
            (table == "income_expenditure_summary") & year_rows & (pl.col(s.SIDE) == "income") & total_column,
        ),
        pick(
            "expenditure_year_total",
            0,
            (table == "income_expenditure_summary") & year_rows & (pl.col(s.SIDE) == "expenditure") & total_column,
        ),
        pick("basic", 0, (table == "expenditure_summary") & total_rows & (column == "basic")),
        pick("project", 0, (table == "expenditure_summary") & total_rows & (column == "project")),
        pick("project", 1, composition_part & name.str.contains("特定目标")),
        pick("personnel", 0, (table == "general_budget_basic_economic") & total_rows & (column == "personnel")),
        pick("personnel", 1, composition_part & name.str.contains("人员类")),
        pick("public", 0, (table == "general_budget_basic_economic") & total_rows & (column == "public")),
        pick("public", 1, composition_part & name.str.contains("运转类")),
    ]
    three_public_table = (table == "three_public_and_operation") & total_rows
    parts += [pick(part, 0, three_public_table & (column == part)) for part in _THREE_PUBLIC_PARTS]
    parts += [
        # The 三公 table's 小计 where it prints one; a 三公 table with no other columns prints it as its 合计.
        pick("three_public", 0, three_public_table & (column == "three_public_total")),
        pick("operating_costs", 0, three_public_table & (column == "operating_costs")),
        # The 机关运行经费 table prints one amount column, headed 机关运行经费(支出): its 合计 is the measure.
        pick(
            "operating_costs",
            1,
            (table == "operating_costs") & total_rows & (total_column | (column == "operating_costs")),
        ),
        pick(
            "fiscal_appropriation_total",
            0,
            (table == "fiscal_appropriation_summary") & total_rows & (pl.col(s.SIDE) == "income") & total_column,
        ),
        # Its income side is all 财政拨款: an amount column under the 财政拨款收入 heading is the total too.
        pick(
            "fiscal_appropriation_total",
            1,
            (table == "fiscal_appropriation_summary")
            & total_rows
            & (pl.col(s.SIDE) == "income")
            & (column == "fiscal_appropriation"),
        ),
        # The 总体资金情况 form prints the 财政拨款 among the sources of its 收入构成.
        pick(
            "fiscal_appropriation_total",
            2,
            (table == _COMPOSITION)
            & (pl.col(s.SIDE) == "income")
            & (pl.col(s.CLASSIFICATION) == "source")
            & (name.str.replace_all(r"\s", "") == "财政拨款"),
        ),
        pick("general_budget_total", 0, (table == "general_budget_function") & total_rows & total_column),
    ]
    # 基本支出 of a composition table is 人员类 + 运转类 (人员经费 + 公用经费); 三公经费 is 因公出国(境)费 +
    # 公务用车购置及运行费 + 公务接待费, of one basis (a final account prints each as a 预算数 / 决算数 pair); the
    # 公务用车 figure is its 购置费 + 运行费 where the table prints only those.
    basic_parts = summed(composition_part & (name.str.contains("人员类") | name.str.contains("运转类")))
    # The figures the 三公经费 adds: 出国, 接待, and the 公务用车 figure, else its 购置费 and 运行费.
    vehicles_printed = ((column == "vehicles") & pl.col(s.AMOUNT_YUAN).is_not_null()).any().over(figure)
    three_public_rows = lines.filter(three_public_table).with_columns(
        (
            column.is_in(["overseas_travel", "vehicles", "reception"])
            | (~vehicles_printed & column.is_in(["vehicle_purchase", "vehicle_operation"]))
        ).alias("_added")
    )
    total_row = column == "total"
    by_doc = three_public_rows.group_by(figure).agg(
        pl.col(s.AMOUNT_YUAN).filter(column == "overseas_travel").sum().alias("_overseas"),
        pl.coalesce(
            pl.col(s.AMOUNT_YUAN).filter(column == "vehicles").first(),
            pl.col(s.AMOUNT_YUAN).filter(column.is_in(["vehicle_purchase", "vehicle_operation"])).sum(),
        ).alias("_vehicles"),
        pl.col(s.AMOUNT_YUAN).filter(column == "reception").sum().alias("_reception"),
        column.is_in(list(_THREE_PUBLIC_PARTS)).any().alias("_has_parts"),
        column.is_in(["meetings", "training"]).any().alias("_has_others"),
        pl.col(s.AMOUNT_YUAN).filter(total_row).first().alias("_total"),
        *(expr.name.prefix("_parts_") for expr in _weakest(pl.col("_added"))),
        pl.col(s.VERIFICATION).filter(total_row).first().alias("_total_verification"),
        pl.col(s.VERIFIED_BY).filter(total_row).first().alias("_total_verified_by"),
    )
    summed_parts = by_doc.filter(pl.col("_has_parts")).with_columns(
        (pl.col("_overseas") + pl.col("_vehicles").fill_null(0) + pl.col("_reception")).alias(s.AMOUNT_YUAN),
        pl.col(f"_parts_{s.VERIFICATION}").alias(s.VERIFICATION),
        pl.col(f"_parts_{s.VERIFIED_BY}").alias(s.VERIFIED_BY),
    )
    # A 三公 table that prints only its 合计 (blank part cells) and no 会议费 / 培训费: the 合计 is the 三公经费.
    total_only = by_doc.filter(~pl.col("_has_others") & pl.col("_total").is_not_null()).with_columns(
        pl.col("_total").alias(s.AMOUNT_YUAN),
        pl.col("_total_verification").alias(s.VERIFICATION),
        pl.col("_total_verified_by").alias(s.VERIFIED_BY),
    )
    return pl.concat(
        [
            *parts,
            stated(basic_parts.filter(pl.col("_n") == 2), "basic", 1),
            stated(summed_parts, "three_public", 1),
            stated(total_only, "three_public", 2),
        ],
        how="vertical",
    )


def _narrative_subjects(statements: pl.LazyFrame, documents: pl.DataFrame) -> pl.LazyFrame:
    """The own-year statements of each document with the subject a measure is matched on (``_stem``) and the basis
    of its figure.

    A subject says its basis with a word (``analytics/reference/narrative_bases.csv``: 年初预算, 预算数, 决算 …),
    which is taken out of the ``_stem``; a fund's name that holds one (一般公共预算) stays. A budget's figures are all
    its budget; a final account's are the basis of the subject's last basis word, its 决算数 when it names none.
    A final account's narrative pairs bases of one subject in one sentence (“三公”经费财政拨款支出年初预算为 2.85
    万元，支出决算为 0.39 万元): a subject that is only a basis word (支出决算) of another basis than the statement
    before it in the sentence is that statement's subject.
    """
    words = sorted(reference_rows("narrative_bases.csv"), key=lambda row: -len(row["word"]))
    basis_of = {row["word"]: row["basis"] or None for row in words}
    own = documents.lazy().select(
        s.DOC_ID, pl.col(s.FISCAL_YEAR).alias("_doc_year"), pl.col(s.PHASE).alias("_doc_phase")
    )
    subject = pl.col(s.SUBJECT)
    sentence = [s.DOC_ID, s.SOURCE_TEXT]
    stem = pl.col("_stem")
    word_basis = (
        subject.str.extract_many(list(basis_of), leftmost=True)
        .list.eval(pl.element().replace_strict(basis_of, default=None, return_dtype=pl.String))
        .list.drop_nulls()
    )
    bare = pl.col("_has_basis") & (stem.str.replace_all("支出|收入", "") == "")
    paired = bare & (pl.col(s.AMOUNT_BASIS) != pl.col(s.AMOUNT_BASIS).shift(1).over(sentence, order_by=s.SEQ))
    carried = (
        pl.when(paired)
        .then(None)
        .when(pl.col("_has_basis") & ~bare)
        .then(stem)
        .otherwise(pl.lit(""))
        .forward_fill()
        .over(sentence, order_by=s.SEQ)
    )
    return (
        statements.join(own, on=s.DOC_ID)
        .filter(pl.col(s.FISCAL_YEAR) == pl.col("_doc_year"))
        .with_columns(
            subject.str.replace_many(
                list(basis_of), ["" if basis else word for word, basis in basis_of.items()], leftmost=True
            ).alias("_stem"),
            word_basis.list.last().alias("_word_basis"),
            (word_basis.list.len() > 0).alias("_has_basis"),
        )
        .with_columns(
            pl.when(pl.col("_doc_phase") == "final")
            .then(pl.col("_word_basis").fill_null(pl.lit("actual")))
            .otherwise(pl.lit("budget"))
            .alias(s.AMOUNT_BASIS)
        )
        .with_columns(pl.when(paired).then(carried.fill_null("")).otherwise(stem).alias("_stem"))
    )


def _narrative_candidates(statements: pl.LazyFrame, documents: pl.DataFrame) -> pl.LazyFrame:
    """Measures a document's narrative states, for department-years no table of the document states them.

    The wordings are data (``analytics/reference/narrative_measures.csv``, matched on a subject without its basis
    words: see :func:`_narrative_subjects`); only a figure for the document's own year counts, and where a document
    states a measure more than once, its first statement.
    """
    frame = _narrative_subjects(statements, documents)
    picks = [
        frame.filter(pl.col("_stem").str.contains(row["subject"])).select(
            s.DEPARTMENT_ID,
            s.FISCAL_YEAR,
            pl.col(s.FISCAL_YEAR).alias(s.AS_OF_YEAR),
            s.DOC_ID,
            s.AMOUNT_BASIS,
            s.AMOUNT_YUAN,
            pl.lit(row["measure"]).alias(c.MEASURE),
            # Nothing in the document checks a sentence's figure by itself: see ``_narrative_checked``.
            pl.lit("unverified").alias(s.VERIFICATION),
            pl.lit(None, pl.String).alias(s.VERIFIED_BY),
            pl.lit(10 + int(row["rank"])).alias("_rank"),
            s.SEQ,
        )
        for row in reference_rows("narrative_measures.csv")
    ]
    first = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.DOC_ID, s.AMOUNT_BASIS, c.MEASURE, "_rank"]
    return pl.concat(picks, how="vertical").sort(s.SEQ).unique(first, keep="first", maintain_order=True).drop(s.SEQ)


def measures(ds: Dataset, *, phase: str = "budget", basis: str | None = None) -> pl.DataFrame:
    """One figure per department, year and measure (long form), with the department's name.

    Parameters
    ----------
    ds
        The dataset.
    phase
        ``"budget"`` (预算) or ``"final"`` (决算): the two are never mixed in one series.
    basis
        Which of the phase's figures (``PHASE_BASES``): by default its own, a budget's ``"budget"`` and a final
        account's 决算数 (``"actual"``); ``"initial_budget"`` (年初预算) or ``"adjusted_budget"`` (调整预算) give
        the budget figures a final account prints beside its 决算数, where it prints them. Figures of other bases
        never stand in for the one asked for.

    Returns
    -------
    pl.DataFrame
        ``department_id, name, fiscal_year, measure, amount_basis, amount_yuan, doc_id, stated_in`` (``table``;
        ``narrative`` for a figure only the document's narrative states: its tables were not published as text, or
        leave the cell blank; ``derived`` for a 三公 figure the others determine, see ``STATED_SOURCES``),
        ``verification`` (``verified`` / ``unverified`` / ``contradicted``: the line's it was read from; the
        weakest of its inputs' for a sum or a derived figure; see the module's docstring for a narrative's) and
        ``verified_by`` (what confirms it, or ``不符：`` the identity that fails; null where nothing does).

    Raises
    ------
    ValueError
        ``phase`` is not a phase, or ``basis`` is not one its documents print.

    Examples
    --------
    >>> from analytics.store import Dataset
    >>> measures(Dataset.empty()).columns[-4:]
    ['doc_id', 'stated_in', 'verification', 'verified_by']
    >>> measures(Dataset.empty(), phase="final", basis="initial_budget").height
    0
    >>> measures(Dataset.empty(), basis="actual")
    Traceback (most recent call last):
    ...
    ValueError: a budget document prints no 'actual' figures (it prints budget)
    """
    return measures_by_basis(ds, phase, [_checked_basis(phase, basis)]).collect()


def _checked_basis(phase: str, basis: str | None) -> str:
    """``basis``, or the phase's own when None; a ValueError when the phase's documents do not print it."""
    if phase not in PHASE_BASES:
        raise ValueError(f"unknown phase {phase!r}; expected {' or '.join(PHASE_BASES)}")
    basis = PHASE_BASES[phase][0] if basis is None else basis
    if basis not in PHASE_BASES[phase]:
        raise ValueError(f"a {phase} document prints no {basis!r} figures (it prints {', '.join(PHASE_BASES[phase])})")
    return basis


def measures_by_basis(ds: Dataset, phase: str, bases: Sequence[str]) -> pl.LazyFrame:
    """The frame of :func:`measures` for several bases of one phase at once (one pass: a figure per basis)."""
    for basis in bases:
        _checked_basis(phase, basis)
    tables = _candidates(ds.lines.lazy(), bases).with_columns(pl.lit("table").alias(c.STATED_IN))
    # The narrative speaks only where no table of the same department-year states the measure.
    narrative = (
        _narrative_candidates(ds.statements.lazy(), ds.documents)
        .filter(pl.col(s.AMOUNT_BASIS).is_in(bases))
        .join(
            tables.select(s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE, s.AMOUNT_BASIS),
            on=[s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE, s.AMOUNT_BASIS],
            how="anti",
        )
        .with_columns(pl.lit("narrative").alias(c.STATED_IN))
    )
    candidates = (
        pl.concat([tables, narrative.select(tables.collect_schema().names())], how="vertical")
        .join(scopes(ds.documents, s.PHASE), on=s.DOC_ID, how="inner")
        .filter(pl.col(s.PHASE) == phase)
    )
    shown = [
        s.DEPARTMENT_ID,
        s.FISCAL_YEAR,
        c.MEASURE,
        s.AMOUNT_BASIS,
        s.AMOUNT_YUAN,
        s.DOC_ID,
        c.STATED_IN,
        s.VERIFICATION,
        s.VERIFIED_BY,
    ]
    # Collected once each: the checks and the derivations read the chosen figures several times, and a plan that
    # repeats the whole selection for each of them takes seconds to optimize.
    chosen = prefer(candidates, [s.DEPARTMENT_ID, s.FISCAL_YEAR, c.MEASURE, s.AMOUNT_BASIS]).select(shown)
    chosen = _narrative_checked(chosen.collect().lazy()).collect().lazy()
    return (
        pl.concat([chosen, _derived(chosen)], how="vertical")
        .join(latest_names(ds.departments), on=s.DEPARTMENT_ID, how="left")
        .select(
            s.DEPARTMENT_ID,
            pl.coalesce(pl.col(s.NAME), pl.col(s.DEPARTMENT_ID)).alias(s.NAME),
            s.FISCAL_YEAR,
            c.MEASURE,
            s.AMOUNT_BASIS,
            pl.col(s.AMOUNT_YUAN).cast(s.MONEY),
            s.DOC_ID,
            c.STATED_IN,
            s.VERIFICATION,
            s.VERIFIED_BY,
        )
        .sort(s.DEPARTMENT_ID, c.MEASURE, s.FISCAL_YEAR, s.AMOUNT_BASIS)
    )


#: The identities of the 三公 form a narrative's figures are checked by: (what it says, the total, its parts). The
#: second stands for the first where the narrative states the 公务用车 figure only as its 购置费 and 运行费.
_NARRATIVE_IDENTITIES = (
    ("“三公”经费 = 因公出国(境)费 + 公务用车购置及运行费 + 公务接待费", "three_public",
     ("overseas_travel", "vehicles", "reception")),
    ("“三公”经费 = 因公出国(境)费 + 公务用车购置费 + 公务用车运行维护费 + 公务接待费", "three_public",
     ("overseas_travel", "vehicle_purchase", "vehicle_operation", "reception")),
    ("公务用车购置及运行费 = 购置费 + 运行维护费", "vehicles", ("vehicle_purchase", "vehicle_operation")),
)  # fmt: skip
#: A narrative prints 万元 figures rounded to 0.1 or 0.01 万元 (cents: 100000, 10000), or exact 元.
_ROUNDING_CENTS = (100_000, 10_000)


def _rounding_cents(amount: pl.Expr) -> pl.Expr:
    """The rounding step a figure shows it was printed to (cents): 0.1 万元, 0.01 万元, or none (0); null for zero,
    which shows no precision."""
    cents = (amount * 100).cast(pl.Int64)
    step = pl.when(cents == 0).then(None)
    for rounding in _ROUNDING_CENTS:
        step = step.when(cents % rounding == 0).then(pl.lit(rounding, pl.Int64))
    return step.otherwise(pl.lit(0, pl.Int64))


def _narrative_checked(chosen: pl.LazyFrame) -> pl.LazyFrame:
    """``chosen`` with its narrative figures checked by the identities of the 三公 form over the department-year's
    stated figures (of one basis; ``_NARRATIVE_IDENTITIES``): a figure of an identity that holds is ``verified``
    by it, one whose identities all fail ``contradicted`` (``verified_by``: ``不符：`` and the identity), as the
    reader marks a table's cells. An identity holds within the rounding of its figures: the finest step any of
    them shows (0.1 or 0.01 万元, else exact) for each part. A table's figures keep the reader's verification."""
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AMOUNT_BASIS]
    measure = pl.col(c.MEASURE)
    names = ["three_public", *_THREE_PUBLIC_PARTS]
    wide = (
        chosen.filter(measure.is_in(names))
        .group_by(keys)
        .agg(*(pl.col(s.AMOUNT_YUAN).filter(measure == name).first().alias(name) for name in names))
    )
    checks = []
    for identity, total, parts in _NARRATIVE_IDENTITIES:
        terms = [total, *parts]
        stated = pl.all_horizontal(pl.col(term).is_not_null() for term in terms)
        if "vehicles" not in terms:
            stated &= pl.col("vehicles").is_null()
        cents = [(pl.col(term) * 100).cast(pl.Int64) for term in terms]
        step = pl.min_horizontal(_rounding_cents(pl.col(term)) for term in terms).fill_null(0)
        holds = (cents[0] - pl.sum_horizontal(cents[1:])).abs() <= step * len(parts)
        checks += [
            wide.filter(stated).select(
                *keys, pl.lit(term).alias(c.MEASURE), pl.lit(identity).alias("_identity"), holds.alias("_holds")
            )
            for term in terms
        ]
    identity = pl.col("_identity")
    held = pl.col("_held")
    results = (
        pl.concat(checks, how="vertical")
        .group_by([*keys, c.MEASURE])
        .agg(
            pl.col("_holds").any().alias("_held"),
            _joined(identity.filter(pl.col("_holds"))).alias("_held_by"),
            _joined("不符：" + identity.filter(~pl.col("_holds"))).alias("_failed_by"),
        )
    )
    narrative = (pl.col(c.STATED_IN) == "narrative") & held.is_not_null()
    return (
        chosen.join(results, on=[*keys, c.MEASURE], how="left", maintain_order="left")
        .with_columns(
            pl.when(narrative)
            .then(pl.when(held).then(pl.lit("verified")).otherwise(pl.lit("contradicted")))
            .otherwise(pl.col(s.VERIFICATION))
            .alias(s.VERIFICATION),
            pl.when(narrative)
            .then(pl.when(held).then(pl.col("_held_by")).otherwise(pl.col("_failed_by")))
            .otherwise(pl.col(s.VERIFIED_BY))
            .alias(s.VERIFIED_BY),
        )
        .select(chosen.collect_schema().names())
    )


def _derived(chosen: pl.LazyFrame) -> pl.LazyFrame:
    """三公 figures a department-year's shown figures (of one basis) determine though no table or sentence states
    them: 公务用车购置及运行费 = 购置费 + 运行费, and the one part of 三公经费 = 因公出国(境)费 + 公务用车购置及运行费
    + 公务接待费 not stated (a narrative that lost its label: “…严控290.5万元…”) is the total less the other two;
    the total is the sum of the three parts. ``stated_in`` is ``derived``; a part that would come out negative is
    not shown (the figures disagree, and the checks say so). A derived figure is as verified as the weakest of the
    figures it is computed from, with their ``verified_by``."""
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.AMOUNT_BASIS]
    measure = pl.col(c.MEASURE)
    amount = pl.col(s.AMOUNT_YUAN)
    names = ["three_public", *_THREE_PUBLIC_PARTS]
    wide = (
        chosen.filter(measure.is_in(names))
        .group_by(keys)
        .agg(
            *(amount.filter(measure == name).first().alias(name) for name in names),
            *(pl.col(s.DOC_ID).filter(measure == name).first().alias(f"_doc_{name}") for name in names),
            *(_strength(pl.col(s.VERIFICATION)).filter(measure == name).first().alias(f"_v_{name}") for name in names),
            *(pl.col(s.VERIFIED_BY).filter(measure == name).first().alias(f"_why_{name}") for name in names),
        )
    )

    def derive(name: str, computed: pl.Expr, inputs: Sequence[str]) -> list[pl.Expr]:
        """``name``'s figure where not stated: ``computed`` from ``inputs``, as strong as the weakest of them."""
        stated = pl.col(name).is_not_null()
        weakest = pl.min_horizontal(pl.col(f"_v_{i}") for i in inputs)
        why = pl.concat_list(pl.when(pl.col(f"_v_{i}") == weakest).then(pl.col(f"_why_{i}")) for i in inputs)
        joined = why.list.drop_nulls().list.unique(maintain_order=True).list.join(_WHY_SEPARATOR)
        return [
            pl.coalesce(pl.col(name), computed).alias(name),
            pl.when(stated).then(pl.col(f"_v_{name}")).otherwise(weakest).alias(f"_v_{name}"),
            pl.when(stated).then(pl.col(f"_why_{name}")).when(joined != "").then(joined).alias(f"_why_{name}"),
        ]

    total, overseas, vehicles, reception = (pl.col(name) for name in _DERIVED_PARTS)
    wide = (
        wide.with_columns(
            derive("vehicles", pl.col("vehicle_purchase") + pl.col("vehicle_operation"), _THREE_PUBLIC_PARTS[2:4])
        )
        .with_columns(
            *derive("overseas_travel", total - vehicles - reception, ["three_public", "vehicles", "reception"]),
            *derive("vehicles", total - overseas - reception, ["three_public", "overseas_travel", "reception"]),
            *derive("reception", total - overseas - vehicles, ["three_public", "overseas_travel", "vehicles"]),
        )
        .with_columns(derive("three_public", overseas + vehicles + reception, _DERIVED_PARTS[1:]))
        .with_columns(
            pl.coalesce(
                pl.col("_doc_three_public"), pl.col("_doc_vehicle_purchase"), *(pl.col(f"_doc_{n}") for n in names)
            ).alias(s.DOC_ID),
            *(
                pl.struct(
                    pl.col(name).alias(s.AMOUNT_YUAN),
                    _verification(pl.col(f"_v_{name}")).alias(s.VERIFICATION),
                    pl.col(f"_why_{name}").alias(s.VERIFIED_BY),
                ).alias(name)
                for name in _DERIVED_PARTS
            ),
        )
    )
    return (
        wide.unpivot(on=list(_DERIVED_PARTS), index=[*keys, s.DOC_ID], variable_name=c.MEASURE, value_name="_figure")
        .unnest("_figure")
        .filter(amount >= 0)
        .join(chosen, on=[*keys, c.MEASURE], how="anti")
        .with_columns(pl.lit("derived").alias(c.STATED_IN))
        .select(chosen.collect_schema().names())
    )


def trends(frame: pl.DataFrame, *, cpi: pl.DataFrame | None = None, base_year: int | None = None) -> pl.DataFrame:
    """Year-on-year change, index (first year = 100) and CAGR per department and measure.

    Parameters
    ----------
    frame
        The long frame of ``measures`` (``department_id, name, fiscal_year, measure, amount_yuan``).
    cpi
        Optional price index (``fiscal_year, cpi``; any base), to add ``deflated_yuan`` in prices of ``base_year``
        (default: the latest year of the index).

    Returns
    -------
    pl.DataFrame
        The input columns plus ``change_yuan`` (Decimal), ``change_pct``, ``index``, ``cagr_pct`` (Float64; CAGR over
        the department-measure's first and last year, on every row) and, with ``cpi``, ``deflated_yuan``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> frame = pl.DataFrame(
    ...     {"department_id": ["d"] * 3, "name": ["某局"] * 3, "fiscal_year": [2021, 2022, 2023],
    ...      "measure": ["income_total"] * 3,
    ...      "amount_yuan": [Decimal("23302800"), Decimal("16526200"), Decimal("13701900")]},
    ...     schema_overrides={"fiscal_year": pl.Int32, "amount_yuan": pl.Decimal(18, 2)},
    ... )
    >>> trends(frame).select("change_pct", "cagr_pct").with_columns(pl.all().round(1)).rows()
    [(None, -23.3), (-29.1, -23.3), (-17.1, -23.3)]
    """
    keys = [s.DEPARTMENT_ID, c.MEASURE, *([s.AMOUNT_BASIS] if s.AMOUNT_BASIS in frame.columns else [])]
    amount = pl.col(s.AMOUNT_YUAN)
    as_float = amount.cast(pl.Float64)
    first_year = pl.col(s.FISCAL_YEAR).first().over(keys)
    span = (pl.col(s.FISCAL_YEAR).last().over(keys) - first_year).cast(pl.Float64)
    first = as_float.first().over(keys)
    last = as_float.last().over(keys)
    out = (
        frame.lazy()
        .sort([*keys, s.FISCAL_YEAR])
        .with_columns(
            (amount - amount.shift(1).over(keys)).cast(s.MONEY).alias(c.CHANGE_YUAN),
            ((as_float / as_float.shift(1).over(keys) - 1) * 100).alias(c.CHANGE_PCT),
            (as_float / first * 100).alias(c.INDEX),
            pl.when((span > 0) & (first > 0) & (last > 0))
            .then(((last / first) ** (1 / span) - 1) * 100)
            .otherwise(None)
            .alias(c.CAGR_PCT),
        )
    )
    if cpi is not None:
        base = cpi.sort(s.FISCAL_YEAR).filter(
            pl.col(s.FISCAL_YEAR) == (base_year if base_year is not None else cpi.get_column(s.FISCAL_YEAR).max())
        )
        if base.is_empty():
            raise ValueError(f"no CPI for the base year {base_year}")
        base_value = Decimal(str(base.get_column("cpi").item()))
        factors = cpi.lazy().select(
            s.FISCAL_YEAR, (pl.lit(base_value) / pl.col("cpi").cast(pl.Decimal(20, 6))).alias("_factor")
        )
        out = (
            out.join(factors, on=s.FISCAL_YEAR, how="left")
            .with_columns((amount * pl.col("_factor")).round(2).cast(s.MONEY).alias(c.DEFLATED_YUAN))
            .drop("_factor")
        )
    return out.collect()
