"""Streamlit pages; every number they show comes from ``analytics``."""
