"""About the data: how far to trust the map — the measured accuracy, what it was measured on, and the store's
own counts."""
from atlas_app import about, site, ui

page = ui.start(site.ABOUT)
about.show(page)
