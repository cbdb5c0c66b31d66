"""Apache Airflow provider for SMS in Turkey.

Importing this package is cheap on purpose: DAG files import our operators on every parse, so nothing
heavy (requests, zeep, lxml, httpx, phonenumbers) is imported at module level anywhere a DAG reaches.
"""

#: The one place of the version: pyproject.toml reads it (setuptools' dynamic version), and so does
#: ``get_provider_info()`` ("versions").
__version__ = "0.1.0"

#: The documentation site's index (docs/site, ``make docs``). Airflow's Providers page takes its link from
#: the package metadata's "Documentation" URL (pyproject.toml's ``[project.urls]``, kept equal to this by
#: tests/release); ``get_provider_info()`` reports it as ``documentation-url`` too.
DOCUMENTATION_URL = "https://airflow-provider-ileti.readthedocs.io/en/latest/"
