from modeltranslation.translator import TranslationOptions, register

from .models import Article, Category, Tag


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Article)
class ArticleTranslation(TranslationOptions):
    # An article may exist in one language only: no language is required.
    fields = ("title", "summary", "body", "byline", "image_alt", "image_caption")
    required_languages = ()
