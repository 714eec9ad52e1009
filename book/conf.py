"""Sphinx configuration of the course website (`make book`; see book/README.md).

Sources are staged by book/build.py into build/book-src/ (executed notebooks with their
outputs, made accessible); this file only configures Sphinx + MyST-NB + the book theme.
Notebooks are never executed by Sphinx (nb_execution_mode = "off").
"""
import os

project = "AI in genomics and medical imaging"
author = "the course contributors"
copyright = "the course contributors. Lessons and docs: CC BY 4.0; code: BSD-3-Clause"
language = "en"

extensions = ["myst_nb"]
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
# Markdown outputs (e.g. lesson 18's model card) render with MyST, so their tables are tables (h7, #32).
nb_render_markdown_format = "myst"
myst_heading_anchors = 3
nb_execution_mode = "off"
nb_merge_streams = True
# Plotly figures arrive as accessible HTML (book/build.py); widgets as their static fallback.
nb_mime_priority_overrides = [("html", "application/vnd.plotly.v1+json", None)]
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "myst.xref_missing",
                     "misc.highlighting_failure", "toc.not_included"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

html_theme = "sphinx_book_theme"
html_title = "AI in genomics and medical imaging"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"
html_js_files = ["plotly.min.js"]
templates_path = ["_templates"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "footer_content_items": ["licence.html"],
    "pygments_light_style": "a11y-high-contrast-light",
    "pygments_dark_style": "a11y-high-contrast-dark",
}
html_context = {"repo_url": os.environ.get("BOOK_REPO_URL", ""), "default_mode": "light"}
html_js_files += ["checkpoints.js"]
html_css_files += ["reader.css"]
# Code cells are folded on the site (book/build.py tags them hide-input).
nb_code_prompt_show = "Show code"
nb_code_prompt_hide = "Hide code"
# Real launch buttons (Binder, Colab) from one repository setting: BOOK_REPO_URL.
if html_context["repo_url"]:
    html_theme_options.update({
        "repository_url": html_context["repo_url"], "repository_branch": "main",
        "path_to_docs": "", "use_repository_button": True,
        "launch_buttons": {"binderhub_url": "https://mybinder.org",
                           "colab_url": "https://colab.research.google.com",
                           "notebook_interface": "jupyterlab"}})
