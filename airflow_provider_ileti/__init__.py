"""Apache Airflow provider for SMS in Turkey.

Importing this package is cheap on purpose: DAG files import our operators on every parse, so nothing
heavy (requests, zeep, lxml, httpx, phonenumbers) is imported at module level anywhere a DAG reaches.
"""

__version__ = "0.1.0"
