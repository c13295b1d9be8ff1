"""Atlas: the app's entry point. It declares the pages (``atlas_app.site``) and runs the one the address names;
the sidebar's links are drawn by each page (``atlas_app.ui.nav``) so that they carry the filters."""
import streamlit as st

from atlas_app.site import PAGES

st.navigation([st.Page(p.path, title=p.title, default=p is PAGES[0]) for p in PAGES], position="hidden").run()
