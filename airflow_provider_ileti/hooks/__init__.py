"""Thin Airflow adapters: a Connection in, a configured client out."""
