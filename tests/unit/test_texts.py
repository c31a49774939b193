"""A service message is its Chinese text, with a code and parameters for other languages."""
from __future__ import annotations

import pickle

from app.domain.errors import NotFound
from app.domain.texts import msg


def test_a_message_is_its_chinese_text_with_code_template_and_parameters():
    message = msg("unit.unknown", "承办单位 {code!r} 不存在", code="xyz")
    assert message == "承办单位 'xyz' 不存在" and isinstance(message, str)
    assert (message.code, message.template, message.params) == (
        "unit.unknown", "承办单位 {code!r} 不存在", {"code": "xyz"})
    again = pickle.loads(pickle.dumps(message))
    assert again == message and again.code == "unit.unknown" and again.params == {"code": "xyz"}


def test_an_error_keeps_its_message_and_field_messages():
    err = NotFound(msg("case.number_not_found", "诉求 {number} 不存在", number="QS-1"),
                   fields={"number": msg("case.number_not_found", "诉求 {number} 不存在", number="QS-1")})
    assert err.message.code == "case.number_not_found" and str(err) == "诉求 QS-1 不存在"
    assert err.fields["number"][0].params == {"number": "QS-1"}
