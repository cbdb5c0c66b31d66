"""``frozen_dataclass`` behaves as ``dataclass(frozen=True)``, its methods compiled on first use."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import threading

import pytest

from airflow_provider_ileti.core.frozen import GENERATED, frozen_dataclass, lazy_dataclass
from airflow_provider_ileti.core.models import Balance, DeliveryPhase, DeliveryStatus, SendBatch, SmsMessage


def twins() -> tuple[type, type]:
    """The same class body under both decorators (a fresh pair each time: nothing made yet)."""

    def body(decorate):  # type: ignore[no-untyped-def]
        @decorate
        class Point:
            """A point."""

            x: int
            y: int = 0
            tags: tuple[str, ...] = ()
            notes: list[str] = dataclasses.field(default_factory=list, compare=False)
            label: str = dataclasses.field(default="p", repr=False, compare=False)

            def __post_init__(self) -> None:
                if self.x < 0:
                    raise ValueError("x must be >= 0")

            @property
            def norm(self) -> int:
                return abs(self.x) + abs(self.y)

        return Point

    return body(frozen_dataclass), body(dataclasses.dataclass(frozen=True))


def test_nothing_is_compiled_at_import_and_the_real_methods_come_on_first_use() -> None:
    lazy, _ = twins()
    stand_ins = {name: lazy.__dict__[name] for name in GENERATED}
    assert all(f.__name__ == name for name, f in stand_ins.items())
    point = lazy(1, 2)
    assert all(lazy.__dict__[name] is not stand_ins[name] for name in GENERATED)
    assert point.norm == 3


@pytest.mark.parametrize("first", ["init", "repr", "eq", "hash"])
def test_behaves_as_a_frozen_dataclass_whichever_method_comes_first(first: str) -> None:
    lazy, real = twins()
    if first != "init":  # instances made without the stand-in __init__ still get the real methods
        a = object.__new__(lazy)
        for f in dataclasses.fields(lazy):
            object.__setattr__(a, f.name, {"x": 1, "y": 2, "tags": (), "notes": [], "label": "p"}[f.name])
        {"repr": repr, "eq": lambda o: o == o, "hash": lambda o: hash((o.x, o.y))}[first](a)
    for args, kwargs in [((1,), {}), ((1, 2), {"tags": ("t",)}), ((), {"x": 3, "y": 4, "label": "q"})]:
        mine, theirs = lazy(*args, **kwargs), real(*args, **kwargs)
        assert repr(mine) == repr(theirs).replace(real.__qualname__, lazy.__qualname__)
        assert [getattr(mine, f.name) for f in dataclasses.fields(mine)] == [
            getattr(theirs, f.name) for f in dataclasses.fields(theirs)
        ]
    assert lazy(1, 2) == lazy(1, 2, label="other", notes=["n"]) and lazy(1, 2) != lazy(2, 1)
    assert (lazy(1, 2) == real(1, 2)) is False  # another class, as between two dataclasses
    assert hash(lazy(1, 2, ("t",))) == hash(lazy(1, 2, ("t",), ["n"])) == hash(real(1, 2, ("t",)))
    with pytest.raises(TypeError):
        hash(lazy(1, tags=["unhashable"]))  # type: ignore[arg-type]
    assert lazy(1).notes is not lazy(1).notes  # default_factory per instance


def test_refusals_are_the_dataclass_ones() -> None:
    lazy, real = twins()
    for cls in (lazy, real):
        with pytest.raises(TypeError):
            cls()  # x is required
        with pytest.raises(TypeError):
            cls(1, 2, (), [], "p", "extra")
        with pytest.raises(TypeError):
            cls(1, z=3)
        with pytest.raises(ValueError, match="x must be >= 0"):
            cls(-1)  # __post_init__ runs
        point = cls(1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.x = 2
        with pytest.raises(dataclasses.FrozenInstanceError):
            del point.x
        with pytest.raises(dataclasses.FrozenInstanceError):
            point.new = 1


def test_the_dataclasses_functions_and_match_work() -> None:
    lazy, _ = twins()
    point = lazy(1, 2, ("t",))
    names = [f.name for f in dataclasses.fields(point)]
    assert dataclasses.is_dataclass(lazy) and names == ["x", "y", "tags", "notes", "label"]
    assert dataclasses.asdict(point) == {"x": 1, "y": 2, "tags": ("t",), "notes": [], "label": "p"}
    assert dataclasses.replace(point, y=5) == lazy(1, 5, ("t",))
    match point:
        case lazy(1, y):  # type: ignore[misc]
            assert y == 2
        case _:
            pytest.fail("no match")
    assert pickle.loads(pickle.dumps(SmsMessage("a", ("1",)))) == SmsMessage("a", ("1",))
    assert copy.deepcopy(point) == point


def test_first_use_from_many_threads_at_once() -> None:
    lazy, _ = twins()
    barrier = threading.Barrier(8)
    made: list[object] = []

    def use() -> None:
        barrier.wait()
        made.append(lazy(1, 2))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [lazy(1, 2)] * 8


def test_what_it_refuses_to_decorate() -> None:
    with pytest.raises(TypeError, match="defines __eq__"):

        @frozen_dataclass
        class Own:
            x: int

            def __eq__(self, other: object) -> bool:
                return True

    @dataclasses.dataclass
    class Base:
        x: int

    with pytest.raises(TypeError, match="no dataclass base"):

        @frozen_dataclass
        class Child(Base):
            y: int


def test_the_models_are_frozen_dataclasses() -> None:
    status = DeliveryStatus("1", DeliveryPhase.PENDING, total=2)
    assert status == DeliveryStatus.from_dict(status.to_dict()) and hash(status) == hash(
        DeliveryStatus("1", DeliveryPhase.PENDING, total=2)
    )
    assert repr(Balance(credits=1.0)) == "Balance(credits=1.0, amount=None, currency=None)"
    assert SendBatch(messages=(SmsMessage("a", ("1", "2")),)).recipient_count == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.total = 3  # type: ignore[misc]


def test_a_lazy_mutable_dataclass_behaves_as_a_dataclass() -> None:
    def body(decorate):  # type: ignore[no-untyped-def]
        @decorate
        class Record:
            count: int = 0
            items: list[int] = dataclasses.field(default_factory=list)

        return Record

    lazy, real = body(lazy_dataclass), body(dataclasses.dataclass)
    with pytest.raises(TypeError, match="unhashable"):
        hash(lazy())  # unhashable before its methods are made, as after
    record = lazy(2)
    record.count += 1
    record.items.append(4)
    assert record == lazy(3, [4]) and record != lazy(3)
    assert repr(record) == repr(real(3, [4])).replace(real.__qualname__, lazy.__qualname__)
    assert lazy().items is not lazy().items
    assert dataclasses.replace(record, count=0) == lazy(0, [4])
    with pytest.raises(TypeError, match="unhashable"):
        hash(record)


def test_progress_records_are_lazy_dataclasses() -> None:
    from airflow_provider_ileti.exactly_once.progress import Progress, TaskIdentity

    progress = Progress()
    progress.references.append("p1")
    assert Progress.from_dict(progress.to_dict()) == progress
    identity = TaskIdentity("d", "t", "r")
    assert dataclasses.replace(identity, run_id="x") == TaskIdentity("d", "t", "x", -1)
