"""UI strings, Chinese first, with the English switch of the sidebar."""

from __future__ import annotations

import streamlit as st

_STRINGS: dict[str, tuple[str, str]] = {
    "overview_title": ("部门与收支总览", "Departments and totals"),
    "overview_caption": (
        "数据集中的部门，以及各年度收入、支出总额（万元）。每个数字均可追溯到公开文件的原文。",
        "Departments in the dataset and their income and expenditure totals by year (10k yuan). "
        "Every figure traces back to the published text.",
    ),
    "departments": ("部门", "Departments"),
    "totals": ("年度收支总额", "Totals by year"),
    "no_dataset": (
        "数据集为空：请先用 `analytics ingest 文件` 导入预算公开文件。",
        "The dataset is empty: ingest a disclosure first with `analytics ingest FILE`.",
    ),
    "dataset_error": ("无法打开数据集：", "Cannot open the dataset: "),
    "pick_department": ("选择部门", "Department"),
    "all_departments": ("全部部门", "All departments"),
    "sources": ("数据来源（原文）", "Where each figure was published"),
    "col_name": ("部门名称", "Name"),
    "col_region": ("地区", "Region"),
    "col_year": ("年度", "Year"),
    "col_unit_type": ("单位性质", "Unit type"),
    "col_staff_authorized": ("编制人数", "Authorized staff"),
    "col_staff_actual": ("实有人数", "Actual staff"),
    "col_subordinate": ("下属单位数", "Subordinate units"),
    "col_side": ("口径", "Side"),
    "col_amount": ("金额（万元）", "Amount (10k yuan)"),
    "col_line": ("行号", "Line"),
    "col_source_text": ("原文", "Source text"),
    "col_document": ("文件", "Document"),
    "income": ("收入", "Income"),
    "expenditure": ("支出", "Expenditure"),
}


def t(key: str) -> str:
    """The UI string for ``key`` in the language the sidebar switch selects."""
    zh, en = _STRINGS[key]
    return en if st.session_state.get("lang_en") else zh
