"""Add articles: upload .txt/.html files or paste a text; each is extracted and saved, with a result per article.
Editors only: anyone else sees why the form is not there."""
from atlas_app import auth, site, ui, upload

page = ui.start(site.ADD)
if auth.editor():
    upload.show(page)
else:
    auth.viewer_notice("Adding articles needs an editor.")
