"""Link the classification codes a department prints in one year to those it prints in another.

The 政府收支分类科目 change between years: a code keeps its number under a new name (210 医疗卫生与计划生育支出
became 卫生健康支出 in 2019), a number is given to something else, or an item moves under another parent under a
new number (经济分类 30104 其他社会保障缴费 became 30112 in 2018). Before figures of two years are compared
line by line, :func:`crosswalk_codes` says which code of the later year continues which code of the earlier one,
department by department, and :func:`crosswalk_summary` counts the links of each kind.

Names are compared after normalisation (Unicode NFKC, which folds full-width letters, digits and brackets into
their half-width forms, then every whitespace removed): ``维修（护）费`` and ``维修(护) 费`` are the same name.

Name similarity is the Jaccard index of the sets of character bigrams of the two normalised names, computed
with Polars list expressions (split into characters, pair each character with the next inside ``list.eval``,
then ``list.set_intersection`` / ``list.set_union``). Bigrams rather than single characters because Chinese
budget names share many characters (支出, 事务, 管理) without being related, and bigrams rather than an edit
distance because Polars has no vectorised edit distance while set operations on lists are native; a name of
one character (or none) is its own single token, so two equal short names still score 1.
"""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.reference.classification import classification_codes

__all__ = ["MATCHES", "crosswalk_codes", "crosswalk_summary"]

#: Kinds of link, in the order they are tried (the two ``unmatched`` kinds are what is left).
MATCHES = ("exact", "renamed", "code_reused", "moved", "unmatched_from", "unmatched_to")

# Column names of the frames returned here (analysis outputs, not stored tables).
FROM_CODE = "from_code"
FROM_NAME = "from_name"
TO_CODE = "to_code"
TO_NAME = "to_name"
MATCH = "match"
SIMILARITY = "similarity"
LINKS = "links"

#: Columns and types of a crosswalk, in order.
CROSSWALK_SCHEMA = pl.Schema(
    {
        s.DEPARTMENT_ID: pl.String,
        FROM_CODE: pl.String,
        FROM_NAME: pl.String,
        TO_CODE: pl.String,
        TO_NAME: pl.String,
        s.LEVEL: pl.Int8,
        MATCH: pl.String,
        SIMILARITY: pl.Float64,
    }
)

# Private working columns.
_NORM = "_norm"
_OWN = "_own"
_LEVEL_BY_LENGTH = {3: 1, 5: 2, 7: 3}


def _normalized(name: pl.Expr) -> pl.Expr:
    """A name as compared: NFKC (full-width → half-width), then without any whitespace."""
    return name.str.normalize("NFKC").str.replace_all(r"\s+", "")


def _bigrams(norm: pl.Expr) -> pl.Expr:
    """The set of character bigrams of a normalised name; a name shorter than two characters is one token."""
    pairs = norm.str.split("").list.eval(pl.concat_str([pl.element(), pl.element().shift(-1)]).drop_nulls())
    return pl.when(pairs.list.len() == 0).then(pl.concat_list(norm)).otherwise(pairs).list.unique()


def _similarity(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """Jaccard index of the bigram sets of two normalised names (Float64 in [0, 1])."""
    a, b = _bigrams(left), _bigrams(right)
    return (a.list.set_intersection(b).list.len() / a.list.set_union(b).list.len()).cast(pl.Float64)


def _level(code: pl.Expr) -> pl.Expr:
    """Level from the code's length (类 3, 款 5, 项 7 digits), null for any other length."""
    return code.str.len_chars().replace_strict(_LEVEL_BY_LENGTH, default=None, return_dtype=pl.Int8)


def _entries(lines: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """One row per (department, code) printed in ``year``: the name printed most often for it.

    Rows of the year's own document (``as_of_year == fiscal_year``) win over a later document's restatement
    (whose prior-year column carries the later year's names); then the normalised name printed on most rows, then
    its most frequent spelling; remaining ties go to the smallest name so the result is deterministic.
    """
    keys = [s.DEPARTMENT_ID, s.CODE]
    counted = (
        lines.filter(pl.col(s.FISCAL_YEAR) == year)
        .group_by([*keys, s.NAME])
        .agg(pl.col(_OWN).sum().alias("_n_own"), pl.len().alias("_n"))
        .with_columns(_normalized(pl.col(s.NAME)).alias(_NORM))
        .with_columns(
            pl.col("_n_own").sum().over([*keys, _NORM]).alias("_norm_own"),
            pl.col("_n").sum().over([*keys, _NORM]).alias("_norm_n"),
        )
    )
    return (
        counted.sort(
            ["_norm_own", "_norm_n", "_n_own", "_n", _NORM, s.NAME],
            descending=[True, True, True, True, False, False],
        )
        .group_by(keys, maintain_order=True)
        .first()
        .select(*keys, s.NAME, _NORM, _level(pl.col(s.CODE)).alias(s.LEVEL))
    )


def _reference_renames(kind: str, from_year: int, to_year: int) -> pl.LazyFrame:
    """Codes whose national name differs between the two years (both names known), as in ``code_name``.

    ``code_name(kind, code, year)`` is the first reference row of ``code`` valid in ``year``; the same lookup is
    done here for every code at once.
    """
    codes = classification_codes(kind).lazy()

    def named_in(year: int, alias: str) -> pl.LazyFrame:
        valid = (pl.col("year_from").is_null() | (pl.col("year_from") <= year)) & (
            pl.col("year_to").is_null() | (pl.col("year_to") >= year)
        )
        return (
            codes.filter(valid)
            .group_by("code", maintain_order=True)
            .agg(_normalized(pl.col("name")).first().alias(alias))
        )

    return (
        named_in(from_year, "_ref_from")
        .join(named_in(to_year, "_ref_to"), on="code", how="inner")
        .filter(pl.col("_ref_from") != pl.col("_ref_to"))
        .select(pl.col("code").alias(s.CODE), pl.lit(True).alias("_ref_renamed"))
    )


def _links(frame: pl.LazyFrame, match: pl.Expr | str, *, similarity: bool) -> pl.LazyFrame:
    """Project a frame of links onto the crosswalk's columns."""
    return frame.select(
        pl.col(s.DEPARTMENT_ID),
        pl.col(FROM_CODE),
        pl.col(FROM_NAME),
        pl.col(TO_CODE),
        pl.col(TO_NAME),
        pl.col(s.LEVEL),
        (pl.lit(match) if isinstance(match, str) else match).alias(MATCH),
        (pl.col(SIMILARITY) if similarity else pl.lit(None)).alias(SIMILARITY),
    ).cast(CROSSWALK_SCHEMA)


def crosswalk_codes(
    lines: pl.DataFrame,
    from_year: int,
    to_year: int,
    *,
    kind: str = "function",
    name_similarity: float = 0.6,
) -> pl.DataFrame:
    """Link each code a department prints in ``from_year`` to the code that continues it in ``to_year``.

    Only rows of ``lines`` with ``classification == kind``, a code, and ``fiscal_year`` one of the two years are
    used, and only the columns ``department_id, fiscal_year, classification, code, name`` (and ``as_of_year``
    when present).
    A (department, code) is printed in many tables and columns: each year keeps one name per department and code,
    the one printed most often (preferring the rows of that year's own document). Links never cross departments.

    Each from-year code is linked by the first rule that applies:

    1. ``exact``: the to-year has the same code with the same name (names compared after NFKC and without
       whitespace);
    2. ``renamed``: the same code with another name, when the names are similar (bigram Jaccard similarity
       ≥ ``name_similarity``) or when the national reference names the code differently in the two years (as
       :func:`analytics.reference.classification.code_name` does); otherwise ``code_reused``;
    3. ``moved``: the code is gone from the to-year and its name appears there under a code, new in that year, of
       the same level (a 项 moved under another 款). When several new codes carry the name, the closest in the
       hierarchy wins (same 款, then same 类), then the smallest code. Several from-year codes may move to the
       same to-year code (a merge);
    4. ``unmatched_from``: none of the above. To-year codes no link reaches are ``unmatched_to``.

    So every from-year code appears exactly once as ``from_code``; every to-year code appears exactly once as
    ``to_code``, except a ``moved`` target, which appears once per code moved into it and in no other link.

    Parameters
    ----------
    lines
        The ``lines`` table (any departments, tables and years).
    from_year, to_year
        The fiscal years to link, earlier first (any order works; the names follow the arguments).
    kind
        The classification: ``"function"`` (支出功能分类) or ``"economic"`` (经济分类).
    name_similarity
        Smallest bigram Jaccard similarity of two names for a code with a changed name to count as ``renamed``.

    Returns
    -------
    pl.DataFrame
        One row per link: ``department_id, from_code, from_name, to_code, to_name, level, match, similarity``.
        Names are as printed (the most frequent spelling); ``level`` is 1 (类), 2 (款) or 3 (项) from the code's
        length; ``match`` one of :data:`MATCHES`; ``similarity`` the bigram Jaccard similarity of the two names
        (Float64), null for the ``unmatched`` rows. Sorted by department, then code.

    Raises
    ------
    ValueError
        When ``kind`` is not a shipped classification.

    Examples
    --------
    >>> lines = pl.DataFrame(
    ...     {
    ...         "department_id": ["d"] * 4,
    ...         "fiscal_year": [2018, 2018, 2019, 2019],
    ...         "classification": ["function"] * 4,
    ...         "code": ["201", "210", "201", "210"],
    ...         "name": ["一般公共服务支出", "医疗卫生与计划生育支出", "一般公共服务支出", "卫生健康支出"],
    ...     }
    ... )
    >>> crosswalk_codes(lines, 2018, 2019).select("from_code", "to_name", "match").rows()
    [('201', '一般公共服务支出', 'exact'), ('210', '卫生健康支出', 'renamed')]
    """
    reference = _reference_renames(kind, from_year, to_year)  # validates ``kind`` before any work
    columns = lines.collect_schema().names()
    own = (pl.col(s.AS_OF_YEAR) == pl.col(s.FISCAL_YEAR)) if s.AS_OF_YEAR in columns else pl.lit(True)
    used = (
        lines.lazy()
        .filter(
            (pl.col(s.CLASSIFICATION) == kind)
            & pl.col(s.CODE).is_not_null()
            & pl.col(s.FISCAL_YEAR).is_in([from_year, to_year])
        )
        .select(s.DEPARTMENT_ID, s.FISCAL_YEAR, s.CODE, s.NAME, own.fill_null(False).cast(pl.UInt32).alias(_OWN))
    )
    source = _entries(used, from_year).rename({s.CODE: FROM_CODE, s.NAME: FROM_NAME, _NORM: "_norm_from"})
    target = _entries(used, to_year).rename({s.CODE: TO_CODE, s.NAME: TO_NAME, _NORM: "_norm_to"})

    # (1)-(2): the same code in both years.
    same = (
        source.join(target.drop(s.LEVEL), left_on=[s.DEPARTMENT_ID, FROM_CODE], right_on=[s.DEPARTMENT_ID, TO_CODE])
        .with_columns(pl.col(FROM_CODE).alias(TO_CODE))
        .join(reference, left_on=FROM_CODE, right_on=s.CODE, how="left")
        .with_columns(_similarity(pl.col("_norm_from"), pl.col("_norm_to")).alias(SIMILARITY))
    )
    same_match = (
        pl.when(pl.col("_norm_from") == pl.col("_norm_to"))
        .then(pl.lit("exact"))
        .when((pl.col(SIMILARITY) >= name_similarity) | pl.col("_ref_renamed").fill_null(False))
        .then(pl.lit("renamed"))
        .otherwise(pl.lit("code_reused"))
    )

    # (3): a code gone from the to-year whose name reappears under a new code of the same level.
    gone = source.join(target, left_on=[s.DEPARTMENT_ID, FROM_CODE], right_on=[s.DEPARTMENT_ID, TO_CODE], how="anti")
    new = target.join(source, left_on=[s.DEPARTMENT_ID, TO_CODE], right_on=[s.DEPARTMENT_ID, FROM_CODE], how="anti")
    closeness = sum(
        (pl.col(FROM_CODE).str.slice(0, n) == pl.col(TO_CODE).str.slice(0, n)).cast(pl.Int8) for n in (3, 5)
    )
    moved = (
        gone.join(
            new, left_on=[s.DEPARTMENT_ID, s.LEVEL, "_norm_from"], right_on=[s.DEPARTMENT_ID, s.LEVEL, "_norm_to"]
        )
        .with_columns(pl.col("_norm_from").alias("_norm_to"), closeness.alias("_closeness"))
        .sort(["_closeness", TO_CODE], descending=[True, False])
        .group_by([s.DEPARTMENT_ID, FROM_CODE], maintain_order=True)
        .first()
        .with_columns(_similarity(pl.col("_norm_from"), pl.col("_norm_to")).alias(SIMILARITY))
    )

    # (4): what no link reaches.
    unmatched_from = gone.join(moved, on=[s.DEPARTMENT_ID, FROM_CODE], how="anti").with_columns(
        pl.lit(None, pl.String).alias(TO_CODE), pl.lit(None, pl.String).alias(TO_NAME)
    )
    unmatched_to = new.join(moved, on=[s.DEPARTMENT_ID, TO_CODE], how="anti").with_columns(
        pl.lit(None, pl.String).alias(FROM_CODE), pl.lit(None, pl.String).alias(FROM_NAME)
    )

    crosswalk = pl.concat(
        [
            _links(same, same_match, similarity=True),
            _links(moved, "moved", similarity=True),
            _links(unmatched_from, "unmatched_from", similarity=False),
            _links(unmatched_to, "unmatched_to", similarity=False),
        ]
    )
    return crosswalk.sort(
        [s.DEPARTMENT_ID, pl.coalesce(FROM_CODE, TO_CODE), TO_CODE], nulls_last=True, maintain_order=True
    ).collect()


def crosswalk_summary(crosswalk: pl.DataFrame) -> pl.DataFrame:
    """How many links of each kind a crosswalk holds: one row per kind of :data:`MATCHES`, zeros included.

    Parameters
    ----------
    crosswalk
        A frame returned by :func:`crosswalk_codes`.

    Returns
    -------
    pl.DataFrame
        Columns ``match`` (in the order of :data:`MATCHES`) and ``links`` (UInt32).

    Examples
    --------
    >>> crosswalk = pl.DataFrame({"match": ["exact", "exact", "moved"]})
    >>> crosswalk_summary(crosswalk).filter(pl.col("links") > 0).rows()
    [('exact', 2), ('moved', 1)]
    """
    counts = crosswalk.lazy().group_by(MATCH).agg(pl.len().alias(LINKS))
    return (
        pl.LazyFrame({MATCH: list(MATCHES)}, schema={MATCH: pl.String})
        .join(counts, on=MATCH, how="left", maintain_order="left")
        .with_columns(pl.col(LINKS).fill_null(0).cast(pl.UInt32))
        .collect()
    )
