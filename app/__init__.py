"""Streamlit helpers shared by every page: state, translations, plots and common widgets (UI only)."""
