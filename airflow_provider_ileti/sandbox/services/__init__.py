"""One module per emulated service. Each defines:

- ``NAME``: the service name, also its URL prefix (``/<NAME>``);
- ``register(app, sandbox)``: adds its routes under the prefix, its state to ``sandbox.services[NAME]``
  and its maintenance answer to ``sandbox.maintenance_responders[NAME]``;
- ``connections(base_url) -> dict[conn_id, dict]``: the Airflow connections (JSON form) that reach it.

Each is a package with the same names for the same roles: ``__init__.py`` (the three names above),
``state.py`` (its state class and records, on ``state_base.StateBase``: the clock, the lock, ``reset()``),
``handlers.py`` (the HTTP front end; Node's two wires are ``rest.py`` and ``soap.py``) and, where it is
apart from the handlers, ``validation.py``/``fields.py`` (what requests must carry).
"""

SERVICE_MODULES = ("node", "iletimerkezi", "iletiniz", "wisecp")
