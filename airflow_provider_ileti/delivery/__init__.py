"""Watching a send until it is delivered: what the send operator, the sensor and the trigger share.

- ``policy``: when is a watched send a success (``DeliveryPolicy``) and the verdict on a set of states.
- ``statuses``: reading many states in as few requests as the service allows, sync and async.
- ``events``: the trigger's event turned into the task's result or the right Airflow exception.
"""
