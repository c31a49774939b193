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


def test_a_message_inside_a_message_is_translated_too(app):
    from app.i18n import translate
    from app.services.sla import beijing
    from datetime import datetime
    note = msg("extension.working_days_after", "当前时限后 {days} 个工作日", days=7)
    message = msg("extension.latest", "最晚可延至 {latest}", latest=beijing(datetime(2026, 11, 23, 2, 5), note))
    assert message == "最晚可延至 2026-11-23 10:05（北京时间，当前时限后 7 个工作日）"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert translate(message) == \
            "At the latest 2026-11-23 10:05 (Beijing time, 7 working days after the current deadline)"
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert translate(message) == message


def _rule_error(app, title: str, language: str) -> str:
    import pytest

    from app.domain.errors import ValidationFailed
    from app.i18n import translate
    from app.services.forms import validate_form
    schema = {"type": "object", "properties": {"rating": {"title": title, "enum": ["满意", "不满意", "非常不满意"]},
                                                "reason": {"type": "string", "title": "理由"}},
              "if": {"properties": {"rating": {"enum": ["不满意", "非常不满意"]}}, "required": ["rating"]},
              "then": {"required": ["reason"]}}
    with pytest.raises(ValidationFailed) as refused:
        validate_form(schema, {"rating": "不满意"})
    with app.test_request_context(headers={"Accept-Language": language}):
        return translate(refused.value.fields["reason"][0])


def test_a_form_rule_message_is_composed_in_the_readers_language(app):
    assert _rule_error(app, "满意度", "zh") == "满意度为不满意或非常不满意时必填"
    # a sentence the catalog holds as a whole keeps the English written for it
    assert _rule_error(app, "满意度", "en") == \
        "Required when the rating is 不满意 (dissatisfied) or 非常不满意 (very dissatisfied)"
    # any other title: composed from the translated title and values
    assert _rule_error(app, "评价", "en") == "Required when Rating is Dissatisfied or Very dissatisfied"
