"""Finding the partners an article names (news/mentions.py), by their names and short names
in every language."""

from news.mentions import MentionMatcher
from tests.factories import make_organization


def test_an_organisation_is_found_by_its_short_name_in_each_language(db):
    hit = make_organization(
        name_en="Harbin Institute of Technology",
        short_name_en="HIT",
        short_name_ru="ХПИ",
        short_name_zh_hans="哈工大",
    )
    matcher = MentionMatcher.from_database()
    for text in ("Delegates of HIT came.", "Делегация ХПИ приехала.", "哈工大代表团来访。"):
        assert matcher.find(text).organizations == {hit.pk}, text
