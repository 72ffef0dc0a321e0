"""Streamlit frame and router only: page config, language switch and navigation."""

from __future__ import annotations

import streamlit as st

from app_pages._i18n import t

st.set_page_config(page_title="预算公开分析 Budget disclosures", page_icon="📊", layout="wide")
st.sidebar.toggle("English", key="lang_en")

pages = [
    st.Page(
        "app_pages/overview.py",
        title=t("overview_title"),
        icon=":material/account_balance:",
        url_path="overview",
        default=True,
    ),
    st.Page("app_pages/department.py", title=t("department_title"), icon=":material/domain:", url_path="department"),
    st.Page("app_pages/compare.py", title=t("compare_title"), icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/flags.py", title=t("flags_title"), icon=":material/flag:", url_path="flags"),
    st.Page("app_pages/explore.py", title=t("explore_title"), icon=":material/manage_search:", url_path="explore"),
    st.Page("app_pages/data.py", title=t("data_title"), icon=":material/upload_file:", url_path="data"),
    st.Page("app_pages/brief.py", title=t("brief_title"), icon=":material/description:", url_path="brief"),
]
st.navigation(pages).run()
