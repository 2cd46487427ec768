"""The judge's side of the wire: frames decode only to plain data, validated before use."""
import io
import os
import pickle
import time

import pytest
import torch

from grader import protocol
from grader.observations import ObservationError, TensorObservation, validate
from grader.worker.plain import describe_tensor, to_plain


class RunsCode:
    def __reduce__(self):
        return (os.system, ("echo should-never-run",))


def frame_of(payload: bytes) -> bytes:
    return protocol.HEADER.pack(len(payload)) + payload


def read_back(data: bytes, **kwargs):
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    try:
        return protocol.read_frame(read, **kwargs)
    finally:
        os.close(read)


def test_round_trip_of_plain_data():
    message = {"ok": True, "value": [1, 2.5, "x", None, {"t": torch.arange(3)}]}
    assert read_back(protocol.encode(message))["value"][4]["t"].tolist() == [0, 1, 2]


def test_a_pickle_that_would_run_code_is_refused():
    buffer = io.BytesIO()
    torch.save({"ok": True, "value": RunsCode()}, buffer)
    with pytest.raises(protocol.ProtocolError, match="not plain data"):
        read_back(frame_of(buffer.getvalue()))
    with pytest.raises(protocol.ProtocolError):
        read_back(frame_of(pickle.dumps(RunsCode())))


def test_oversized_frames_and_closed_channels():
    with pytest.raises(protocol.ProtocolError, match="over the limit"):
        read_back(protocol.HEADER.pack(10**12) + b"x", max_bytes=1000)
    with pytest.raises(protocol.ChannelClosed):
        read_back(protocol.HEADER.pack(100) + b"short")


def test_a_silent_channel_times_out():
    read, write = os.pipe()
    try:
        began = time.monotonic()
        with pytest.raises(protocol.ChannelTimeout):
            protocol.read_frame(read, deadline=time.monotonic() + 0.2)
        assert time.monotonic() - began < 2
    finally:
        os.close(read)
        os.close(write)


class LyingTensor(torch.Tensor):
    def __eq__(self, other):
        return True


def test_tensor_subclasses_arrive_as_plain_tensors_with_their_type_named():
    sent = to_plain(torch.ones(2).as_subclass(LyingTensor))
    observed = validate(read_back(protocol.encode({"v": sent}))["v"])
    assert isinstance(observed, TensorObservation)
    assert type(observed.values) is torch.Tensor
    assert observed.type_name.endswith("LyingTensor") and not observed.is_plain_tensor


def test_validation_refuses_what_a_hostile_worker_could_send():
    plain = describe_tensor(torch.zeros(2))
    for bad in (
        {**plain, "values": torch.zeros(2).as_subclass(LyingTensor)},
        {**plain, "values": torch.zeros(2, device="meta")},
        {**plain, "values": torch.zeros(1).expand(2_000_000), "shape": [2_000_000]},
        {**plain, "shape": "(2,)"},
        {**plain, "values": torch.zeros(3)},
        {1: "non-string key"},
        {"x": {1, 2}},
    ):
        with pytest.raises(ObservationError):
            validate(bad)


def test_validated_tensors_are_the_judges_own_copies():
    values = torch.zeros(3)
    observed = validate({**describe_tensor(values), "values": values})
    values.add_(1)
    assert observed.values.tolist() == [0.0, 0.0, 0.0]


def test_expanded_views_and_oversized_replies_are_refused():
    small_storage = torch.zeros(1).expand(1000)
    with pytest.raises(ObservationError, match="larger than its storage"):
        validate({**describe_tensor(torch.zeros(1000)), "values": small_storage})
    many = [{**describe_tensor(torch.zeros(1000)), "values": torch.zeros(1000)} for _ in range(4001)]
    with pytest.raises(ObservationError, match="tensor elements in one reply"):
        validate(many)


def test_lone_surrogates_from_a_worker_become_printable_text():
    cleaned = validate({"message": "bad \ud800 text", "\udfff": ["\ud83d"]})
    text = repr(cleaned)
    text.encode("utf-8")  # would raise UnicodeEncodeError with a lone surrogate left in
    assert "\\ud800" in cleaned["message"]
