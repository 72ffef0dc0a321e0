"""Streamlit frame and router only: page config, language switch and navigation."""

from __future__ import annotations

import streamlit as st

from app_pages._auth import require_sign_in, sign_in_pending
from app_pages._i18n import t
from app_pages._url import language_toggle, share_link

st.set_page_config(page_title="预算公开分析 Budget disclosures", page_icon="📊", layout="wide")
language_toggle()

overview = st.Page(
    "app_pages/overview.py", title=t("overview_title"), icon=":material/account_balance:", url_path="overview"
)


def _home() -> None:
    """The app's root: the overview, at its own address (a default page is served at ``/`` only, so the overview
    itself cannot be the default and still open at ``/overview``)."""
    st.switch_page(overview, query_params={key: st.query_params.get_all(key) for key in st.query_params})


pages = [
    st.Page(_home, title=t("overview_title"), url_path="home", default=True, visibility="hidden"),
    overview,
    st.Page("app_pages/department.py", title=t("department_title"), icon=":material/domain:", url_path="department"),
    st.Page("app_pages/compare.py", title=t("compare_title"), icon=":material/compare_arrows:", url_path="compare"),
    st.Page("app_pages/flags.py", title=t("flags_title"), icon=":material/flag:", url_path="flags"),
    st.Page("app_pages/explore.py", title=t("explore_title"), icon=":material/manage_search:", url_path="explore"),
    st.Page("app_pages/data.py", title=t("data_title"), icon=":material/upload_file:", url_path="data"),
    st.Page("app_pages/brief.py", title=t("brief_title"), icon=":material/description:", url_path="brief"),
]
# Routed before the sign-in, so that a shared link's page survives it; its navigation shows once signed in.
page = st.navigation(pages, position="hidden" if sign_in_pending() else "sidebar")
require_sign_in()
share_link(page.url_path)
page.run()
