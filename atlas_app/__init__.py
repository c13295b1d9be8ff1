"""Atlas's Streamlit app: shared modules behind the thin pages in ``app.py`` and ``pages/``."""
