"""What every task of ours shares, below the operators, the sensor and the notifier.

- ``failures``: our errors as Airflow exceptions (final ones fail without retries), numbers masked.
- ``retry_policy``: the task's retry delay (honours a ``Retry-After`` the clients left to it).
- ``personal_data``: rendered fields that hide numbers and texts unless ``show_personal_data``.
- ``recipients``: recipient sources (lists, CSV, XCom) and the per-recipient message renderer.
- ``spill``: the send's prepared chunks on disk between its first pass and the send.
- ``gc_pause``: the cyclic garbage collector held off while a chunk is prepared.
"""
