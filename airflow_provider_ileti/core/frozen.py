"""``frozen_dataclass``: ``dataclasses.dataclass(frozen=True)`` whose generated methods are compiled when
first used, not when the module is imported (``lazy_dataclass``: the same for a mutable dataclass).

``dataclasses`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and
``__delattr__`` as source text and compiles it when the class statement runs: most of a millisecond per class
on a small machine, paid on every DAG file parse for each model an operator module imports (Airflow's DAG
processor imports DAG files again and again). Here, at import:

- the fields are read by ``dataclasses`` itself (``fields()``, ``replace()``, ``asdict()``,
  ``is_dataclass()``, ``__match_args__`` all work), with nothing compiled;
- assignment and deletion are refused by two plain functions (``FrozenInstanceError``, as when frozen);
- ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` are stand-ins that, on the first call of any of
  them, have ``dataclasses`` make the real four for a twin of the class (the same fields, defaults and
  ``__post_init__``) and put them on the class: from then on the class runs exactly the code
  ``dataclass(frozen=True)`` writes.

For plain value classes only: no dataclass base classes, no methods of the six names of its own, and not to
be subclassed by a dataclass (``__dataclass_params__`` reads as not frozen). A ``lazy_dataclass`` makes
``__init__``, ``__repr__`` and ``__eq__`` that way and is unhashable, as a mutable dataclass with ``eq``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

#: The methods ``dataclass(frozen=True)`` generates that are made on first use.
GENERATED = ("__init__", "__repr__", "__eq__", "__hash__")
_LOCK = threading.Lock()


def _refuse_setattr(self: object, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delattr(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass_transform(frozen_default=True)
def frozen_dataclass(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen dataclass whose generated methods are compiled on first use."""
    return _lazy(cls, frozen=True)


@dataclass_transform()
def lazy_dataclass(cls: type[T]) -> type[T]:
    """Make ``cls`` a (mutable) dataclass whose generated methods are compiled on first use: ``__init__``,
    ``__repr__`` and ``__eq__``; it is unhashable, as ``dataclasses.dataclass`` makes it."""
    return _lazy(cls, frozen=False)


def _lazy(cls: type[T], *, frozen: bool) -> type[T]:
    if any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__qualname__}: a lazy dataclass takes no dataclass base classes")
    own = [name for name in (*GENERATED, "__setattr__", "__delattr__") if name in cls.__dict__]
    if own:
        raise TypeError(f"{cls.__qualname__} defines {', '.join(own)}: use dataclasses.dataclass")
    annotations = dict(cls.__dict__.get("__annotations__", {}))
    # as written in the class body (a value or a dataclasses.field), before dataclasses replaces them
    declared = {name: cls.__dict__[name] for name in annotations if name in cls.__dict__}
    post_init = cls.__dict__.get("__post_init__")
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)  # reads the fields; compiles nothing
    generated: tuple[str, ...] = GENERATED
    if frozen:
        type.__setattr__(cls, "__setattr__", _refuse_setattr)
        type.__setattr__(cls, "__delattr__", _refuse_delattr)
    else:
        generated = GENERATED[:-1]
        type.__setattr__(cls, "__hash__", None)  # eq without frozen: unhashable, as a dataclass
    stand_ins: dict[str, Callable[..., Any]] = {}

    def make_real() -> None:
        with _LOCK:
            if cls.__dict__["__init__"] is not stand_ins["__init__"]:
                return  # another thread made them
            namespace: dict[str, Any] = {
                "__annotations__": annotations,
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                **declared,
            }
            if post_init is not None:
                namespace["__post_init__"] = post_init
            twin: type[Any] = dataclasses.dataclass(frozen=frozen)(type(cls.__name__, (), namespace))
            for name in reversed(generated):  # __init__ last: it is what tells the others were made
                type.__setattr__(cls, name, twin.__dict__[name])

    def stand_in(name: str) -> Callable[..., Any]:
        def first_call(self: Any, *args: Any, **kwargs: Any) -> Any:
            make_real()
            return getattr(cls, name)(self, *args, **kwargs)

        first_call.__name__ = name
        first_call.__qualname__ = f"{cls.__qualname__}.{name}"
        return first_call

    for name in generated:
        stand_ins[name] = stand_in(name)
        type.__setattr__(cls, name, stand_ins[name])
    return cls
