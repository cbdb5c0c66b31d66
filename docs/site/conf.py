"""Sphinx configuration of the documentation site (``make docs``: warnings are errors).

Pages are Markdown (MyST); the API reference comes from the docstrings (autodoc); examples are included from
``dags_examples/`` and connection fields from ``connection_forms.py`` at build time, so neither can drift.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent
ROOT = SITE.parents[1]
sys.path.insert(0, str(SITE / "_ext"))
sys.path.insert(0, str(ROOT))

# autodoc imports the operators, so Airflow is imported: keep it quiet and out of the user's home.
os.environ.setdefault("AIRFLOW_HOME", str(SITE / "_build" / "airflow-home"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from airflow_provider_ileti import DOCUMENTATION_URL, __version__  # noqa: E402

project = "airflow-provider-ileti"
author = "airflow-provider-ileti contributors"
copyright = "airflow-provider-ileti contributors"  # noqa: A001
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "ileti_docs",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", ".gitignore"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "furo"
html_title = f"airflow-provider-ileti {__version__}"
html_baseurl = DOCUMENTATION_URL
html_static_path: list[str] = []
html_extra_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Airflow's and the services' own types are not documented here; their names are shown as written.
nitpicky = False
