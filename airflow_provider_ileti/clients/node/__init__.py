"""Node SMS API v1.8.3 client: one interface (``NodeClient``), two transports (REST/JSON and SOAP via zeep).

Modules: ``models`` (typed requests and answers), ``validation`` (every rule of the spec, checked before the
network), ``errors`` (the ``err`` envelope -> ``core.errors``), ``transport``/``rest``/``soap`` (the wire),
``client`` (``NodeClient``) and ``async_status`` (``AsyncNodeStatusClient`` for triggers). Nothing here
imports Airflow.
"""
