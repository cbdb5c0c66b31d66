"""One module per emulated service. Each defines:

- ``NAME``: the service name, also its URL prefix (``/<NAME>``);
- ``register(app, sandbox)``: adds its routes under the prefix, its state to ``sandbox.services[NAME]``
  and its maintenance answer to ``sandbox.maintenance_responders[NAME]``;
- ``connections(base_url) -> dict[conn_id, dict]``: the Airflow connections (JSON form) that reach it.
"""

SERVICE_MODULES = ("node", "iletimerkezi", "iletiniz", "wisecp")
