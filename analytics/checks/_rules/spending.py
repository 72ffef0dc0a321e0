"""Rules on how spending is classified: personnel costs outside 基本支出; 三公经费 rising year on year."""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, evidence, findings, rule
from analytics.checks._rules._common import line_evidence, wan, wan_en
from analytics.store import Dataset


@rule(
    "spending.personnel_in_projects",
    "spending",
    "warning",
    "项目支出的用途或说明涉及人员经费（工资、福利、保险等应列基本支出）",
    "Project spending whose purpose names personnel costs (which belong in 基本支出)",
)
def personnel_in_projects(ds: Dataset, settings: Settings) -> pl.DataFrame:
    # Strong words name personnel costs by themselves; weak ones (福利, 保险) only next to a word for people
    # (车辆保险 and 福利彩票 are no wages).
    strong = "|".join(settings.get("spending", "personnel_words"))
    weak = "|".join(settings.get("spending", "personnel_weak_words"))
    people = "|".join(settings.get("spending", "people_words"))

    def text_matches(column: str) -> pl.Expr:
        text = pl.col(column).fill_null("")
        return text.str.contains(strong) | (text.str.contains(weak) & text.str.contains(people))

    out: list[dict[str, object]] = []
    projects = ds.projects.filter(text_matches(s.PURPOSE))
    for row in projects.iter_rows(named=True):
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|project|{row[s.SEQ]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: row[s.NAME],
                s.MEASURE: "yuan",
                s.OBSERVED: row[s.YEAR_BUDGET_YUAN],
                s.MESSAGE_ZH: f"项目“{row[s.NAME]}”（{wan(row[s.YEAR_BUDGET_YUAN] or 0)}）的用途涉及人员经费：{row[s.PURPOSE]}",
                s.MESSAGE_EN: f"project '{row[s.NAME]}' ({wan_en(row[s.YEAR_BUDGET_YUAN] or 0)}) names personnel costs in "
                f"its purpose: {row[s.PURPOSE]}",
                s.EVIDENCE: [line_evidence(row, part="projects")],
            }
        )
    # Items explained under 项目支出 in the narrative whose sentence names personnel costs.
    statements = ds.statements.filter(
        text_matches(s.SOURCE_TEXT)
        & pl.col(s.PARENT_SUBJECT).is_not_null()
        & ~pl.col(s.SUBJECT).str.contains("基本支出|人员经费|工资福利")
        & ~pl.col(s.PARENT_SUBJECT).str.contains("基本支出|人员经费|工资福利")
    )
    project_chain = _under_projects(ds.statements)
    for row in statements.join(project_chain, on=[s.DOC_ID, s.SEQ]).iter_rows(named=True):
        out.append(
            {
                "key": f"{row[s.DOC_ID]}|statement|{row[s.SEQ]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: row[s.SUBJECT],
                s.MEASURE: "yuan",
                s.OBSERVED: row[s.AMOUNT_YUAN],
                s.MESSAGE_ZH: f"项目支出下的“{row[s.SUBJECT]}”（{wan(row[s.AMOUNT_YUAN])}）说明中涉及人员经费",
                s.MESSAGE_EN: f"'{row[s.SUBJECT]}' ({wan_en(row[s.AMOUNT_YUAN])}) under project spending names personnel costs",
                s.EVIDENCE: [line_evidence(row, part="narrative")],
            }
        )
    return findings(out)


def _under_projects(statements: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, seq) of statements whose chain of parents reaches a subject about 项目支出."""
    subjects = statements.select(s.DOC_ID, s.SEQ, s.SUBJECT, s.PARENT_SUBJECT)
    reached = subjects.filter(pl.col(s.PARENT_SUBJECT).str.contains("项目")).select(s.DOC_ID, s.SEQ, s.SUBJECT)
    frontier = reached
    for _ in range(4):  # explanations nest a few levels at most
        step = subjects.join(
            frontier.select(s.DOC_ID, pl.col(s.SUBJECT).alias(s.PARENT_SUBJECT)).unique(),
            on=[s.DOC_ID, s.PARENT_SUBJECT],
        ).select(s.DOC_ID, s.SEQ, s.SUBJECT)
        frontier = step.join(reached, on=[s.DOC_ID, s.SEQ], how="anti")
        if frontier.is_empty():
            break
        reached = pl.concat([reached, frontier])
    return reached.select(s.DOC_ID, s.SEQ).unique()


@rule(
    "spending.three_public_rising",
    "spending",
    "warning",
    "“三公”经费比上年增加",
    "“three public” spending higher than the year before",
)
def three_public_rising(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """三公 = 因公出国(境)费 + 公务用车购置及运行费 + 公务接待费, summed from the columns each year prints (tables
    differ between years: some add 会议费 and 培训费 to their 合计, so that column is not compared)."""
    columns = ["overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation", "reception"]
    parts = ds.lines.filter(
        (pl.col(s.TABLE) == "three_public_and_operation")
        & (pl.col(s.FISCAL_YEAR) == pl.col(s.AS_OF_YEAR))
        & pl.col(s.COLUMN).is_in(columns)
        & (pl.col(s.CLASSIFICATION) == "total")
    ).join(ds.documents.select(s.DOC_ID, s.PHASE, s.SCOPE), on=s.DOC_ID)
    if parts.is_empty():
        return findings([])
    keys = [s.DEPARTMENT_ID, s.FISCAL_YEAR, s.PHASE, s.SCOPE]
    per_year = parts.pivot(
        on=s.COLUMN, index=[*keys, s.DOC_ID], values=s.AMOUNT_YUAN, aggregate_function="first"
    ).unique(keys, keep="first")
    for column in columns:
        if column not in per_year.columns:
            per_year = per_year.with_columns(pl.lit(None, s.MONEY).alias(column))
    vehicles = pl.coalesce(
        "vehicles", pl.col("vehicle_purchase").fill_null(0) + pl.col("vehicle_operation").fill_null(0)
    )
    per_year = per_year.with_columns(
        (pl.col("overseas_travel").fill_null(0) + vehicles.fill_null(0) + pl.col("reception").fill_null(0)).alias(
            s.AMOUNT_YUAN
        )
    ).select(*keys, s.DOC_ID, s.AMOUNT_YUAN)
    previous = per_year.select(
        s.DEPARTMENT_ID,
        s.PHASE,
        s.SCOPE,
        (pl.col(s.FISCAL_YEAR) + 1).alias(s.FISCAL_YEAR),
        pl.col(s.AMOUNT_YUAN).alias("_before"),
        pl.col(s.DOC_ID).alias("_before_doc"),
    )
    rising = per_year.join(previous, on=[s.DEPARTMENT_ID, s.PHASE, s.SCOPE, s.FISCAL_YEAR]).filter(
        pl.col(s.AMOUNT_YUAN) > pl.col("_before")
    )
    out = []
    for row in rising.iter_rows(named=True):
        involved = parts.filter(pl.col(s.DOC_ID).is_in([row[s.DOC_ID], row["_before_doc"]]))
        out.append(
            {
                "key": f"{row[s.DEPARTMENT_ID]}|{row[s.FISCAL_YEAR]}|{row[s.PHASE]}|{row[s.SCOPE]}",
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: "“三公”经费",
                s.MEASURE: "yuan",
                s.OBSERVED: row[s.AMOUNT_YUAN],
                s.EXPECTED: row["_before"],
                s.VARIANCE: row[s.AMOUNT_YUAN] - row["_before"],
                s.MESSAGE_ZH: f"“三公”经费由 {wan(row['_before'])} 增至 {wan(row[s.AMOUNT_YUAN])}",
                s.MESSAGE_EN: f"spending on the “three public” items (travel abroad, vehicles, receptions) rose from {wan_en(row['_before'])} to {wan_en(row[s.AMOUNT_YUAN])}",
                s.EVIDENCE: evidence(involved),
            }
        )
    return findings(out)
