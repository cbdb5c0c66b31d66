"""``ileti-connect``: connect an Airflow deployment to a service by OAuth and keep the key only in Airflow."""
