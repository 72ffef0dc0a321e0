"""The readers' doubts as findings: figures an identity of the form contradicts, cells that do not parse, tables
that could not be read, units the reader had to infer.

They are the reader's findings (``source = reader``, family ``reading``), kept apart from the findings about the
document itself: an auditor checks the page before asking the department anything.
"""

from __future__ import annotations

import polars as pl

from analytics import schema as s
from analytics.checks._engine import Settings, findings, rule
from analytics.store import Dataset

#: How much each kind of doubt weighs: a figure that may be wrong or missing, or only a note on how it was read.
_SEVERITY = {
    "contradicted": "warning",
    "bad_cell": "warning",
    "blank_total": "warning",
    "unreadable_table": "warning",
    "refused_page": "warning",
    "unplaced_amount": "info",
    "unit_inferred": "info",
}
_SUBJECT = {
    "contradicted": "读数未能核实",
    "bad_cell": "无法识读的单元格",
    "blank_total": "空白的合计",
    "unreadable_table": "无法读取的表格",
    "refused_page": "无法读取的页面",
    "unplaced_amount": "未能归栏的金额",
    "unit_inferred": "推定的计量单位",
}


@rule(
    "reading.doubt",
    "reading",
    "warning",
    "读数存疑：表内恒等式不成立、单元格无法识读、表格无法读取或单位系推定",
    "The reader's doubts: an identity that fails, a cell that does not parse, a table it could not read, a unit it "
    "had to infer",
    source="reader",
)
def doubts(ds: Dataset, settings: Settings) -> pl.DataFrame:
    """One finding per row of ``reading_findings``, with its page, line and text as evidence."""
    del settings  # nothing to tune: every doubt is reported
    if ds.reading_findings.is_empty():
        return findings([])
    rows = ds.reading_findings.join(
        ds.documents.select(s.DOC_ID, s.DEPARTMENT_ID, s.FISCAL_YEAR), on=s.DOC_ID, how="inner"
    ).to_dicts()
    out = []
    for row in rows:
        kind = str(row[s.KIND])
        key = "|".join(str(row[c]) for c in (s.DOC_ID, s.KIND, s.TABLE, s.COLUMN, s.PAGE, s.LINE, s.CELL_TEXT, s.SEQ))
        out.append(
            {
                "key": key,
                s.DEPARTMENT_ID: row[s.DEPARTMENT_ID],
                s.FISCAL_YEAR: row[s.FISCAL_YEAR],
                s.DOC_ID: row[s.DOC_ID],
                s.SUBJECT: _SUBJECT.get(kind, kind),
                s.SEVERITY: _SEVERITY.get(kind, "warning"),
                s.MESSAGE_ZH: row[s.MESSAGE_ZH],
                s.MESSAGE_EN: row[s.MESSAGE_EN],
                s.EVIDENCE: [
                    {
                        s.DOC_ID: row[s.DOC_ID],
                        "table_or_part": row[s.TABLE] or "document",
                        s.PAGE: row[s.PAGE],
                        s.LINE: row[s.LINE],
                        s.SOURCE_TEXT: row[s.SOURCE_TEXT],
                    }
                ],
            }
        )
    return findings(out)
