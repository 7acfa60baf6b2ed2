"""ISCED-F 2013 subject codes: the structure of broad, narrow and detailed fields."""

import pytest
from django.core.exceptions import ValidationError

from intloffice.core.isced import broad_field, is_isced_f_code, validate_isced_f


@pytest.mark.parametrize(
    "code", ["00", "07", "10", "99", "071", "078", "079", "0715", "0788", "0613", "1041", "9999"]
)
def test_codes_of_the_classification_are_accepted(code):
    assert is_isced_f_code(code)
    validate_isced_f(code)


@pytest.mark.parametrize(
    "code",
    ["", "7", "11", "98", "070", "0700", "0710", "0781", "07150", "7150", "O7", "07a", "999a"],
)
def test_anything_else_is_refused_with_a_reason(code):
    assert not is_isced_f_code(code)
    with pytest.raises(ValidationError, match="Not an ISCED-F 2013 code"):
        validate_isced_f(code)


def test_a_code_is_named_by_its_broad_field():
    assert broad_field("0613") == "Information and communication technologies"
    assert broad_field("99") == "Field unknown"
    assert broad_field("") == ""
