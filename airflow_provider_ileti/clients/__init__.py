"""One protocol client per service, usable without Airflow."""
