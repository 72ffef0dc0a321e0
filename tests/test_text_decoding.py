"""Decoding a text disclosure: every failure is a ReaderError naming the file, the byte and its line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.errors import ReaderError
from analytics.ingest.text import decode_text

# Lines of another department's text (not a corpus file): 3,000 lines of 13 characters, 40 bytes each in UTF-8.
LINE = "成都市青羊区档案馆部门预算\n"
LINES = LINE * 3000


def test_a_bad_byte_deep_in_the_file_is_reported_where_it_is() -> None:
    data = LINES.encode("utf-8")
    assert len(LINE.encode("utf-8")) == 40
    at = 40 * 1015  # the first byte of line 1,016: a character's lead byte replaced
    bad = data[:at] + b"\xff" + data[at + 1 :]
    with pytest.raises(ReaderError) as raised:
        decode_text("qingyang.txt", bad)
    message = str(raised.value)
    assert message.startswith(f"qingyang.txt, byte {at} (line 1016)"), message
    assert "0xff" in message and "UTF-8" in message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe" + "预算".encode("utf-16-le") + b"\x31", "truncated"),  # an odd number of bytes
        (b"\xff\xfe" + b"\x00\xd8" + "算".encode("utf-16-le"), "surrogate"),  # half a surrogate pair
        (b"\xfe\xff" + "预算".encode("utf-16-be")[:-1], "truncated"),
    ],
)
def test_damaged_utf16_is_a_reader_error(data: bytes, reason: str) -> None:
    with pytest.raises(ReaderError) as raised:
        decode_text("damaged.txt", data)
    assert "damaged.txt, byte" in str(raised.value) and reason in str(raised.value) and "UTF-16" in str(raised.value)


def test_whole_utf16_and_gb18030_still_read() -> None:
    assert decode_text("a.txt", b"\xff\xfe" + LINES.encode("utf-16-le")) == LINES
    assert decode_text("b.txt", LINES.encode("gb18030")) == LINES


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_decode_or_give_a_reader_error(data: bytes) -> None:
    for prefix in (b"", b"\xff\xfe", b"\xfe\xff"):
        try:
            text = decode_text("any.txt", prefix + data)
        except ReaderError as error:
            assert str(error).startswith("any.txt")
        else:
            assert isinstance(text, str)
