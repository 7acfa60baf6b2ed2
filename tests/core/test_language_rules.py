"""How each language writes lists, places and titles (intloffice/core/language_rules.py)."""

from django.utils.translation import override

from intloffice.core import language_rules


def test_chinese_lists_use_the_enumeration_comma_and_phrases_the_full_width_comma():
    assert language_rules.joined_list(["西安", "哈尔滨", ""], "zh-hans") == "西安、哈尔滨"
    assert language_rules.joined_phrases(["副校长", "圣彼得堡理工大学"], "zh-hans") == (
        "副校长，圣彼得堡理工大学"
    )
    assert language_rules.joined_list(["Xi'an", "Harbin"], "en") == "Xi'an, Harbin"
    assert language_rules.joined_phrases(["Проректор", "СПбПУ"], "ru") == "Проректор, СПбПУ"


def test_the_page_language_decides_when_none_is_given():
    with override("zh-hans"):
        assert language_rules.list_separator() == "、"
        assert language_rules.label_separator() == "："
        assert "俄罗斯科学基金会" + language_rules.parenthetical("RSF") == "俄罗斯科学基金会（RSF）"
    with override("ru"):
        assert language_rules.list_separator() == ", "
        assert language_rules.label_separator() == ": "
        assert "Ассоциация" + language_rules.parenthetical("АТУРК") == "Ассоциация (АТУРК)"


def test_a_chinese_title_follows_the_name_others_precede_it():
    assert language_rules.with_title("阿尔谢尼耶夫", "教授", "zh-hans") == "阿尔谢尼耶夫教授"
    assert language_rules.with_title("Dmitry Arseniev", "Professor", "en") == (
        "Professor Dmitry Arseniev"
    )
    assert language_rules.with_title("Дмитрий Арсеньев", "", "ru") == "Дмитрий Арсеньев"
