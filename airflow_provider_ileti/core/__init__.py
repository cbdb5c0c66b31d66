"""Pure Python building blocks: no Airflow, nothing heavy at import time."""
