"""简报: the hearing brief per department (a later issue builds it; until then, an honest empty state)."""

from __future__ import annotations

import streamlit as st

from app_pages._i18n import t

st.title(t("brief_title"))
st.info(t("brief_pending"))
