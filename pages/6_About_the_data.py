"""About the data: how far to trust the map — the measured accuracy, what it was measured on, and the store's
own counts."""
from atlas_app import about, ui
from atlas_app.links import ABOUT_PAGE

page = ui.start(ABOUT_PAGE, "About the data")
about.show(page)
