"""Add articles: upload .txt/.html files or paste a text; each is extracted and saved, with a result per article."""
from atlas_app import ui, upload
from atlas_app.links import ADD_PAGE

page = ui.start(ADD_PAGE, "Add articles")
upload.show(page)
