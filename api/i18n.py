"""The words of the web pages in the six UN languages. `ui(lang)` gives them for one language
(English for any other); the templates use nothing else, so a page reads in the reader's language.
Placeholders in braces ({n}, {shown}, {total}) are filled with `str.format`.
"""

from __future__ import annotations

from ontology import UN_LANGUAGES

#: The name of each UN language in that language (for the labels table and language links).
LANGUAGE_NAMES = {
    "ar": "العربية",
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "ru": "Русский",
    "zh": "中文",
}
#: Languages written right to left (by primary subtag).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "yi", "ps", "ckb", "dv", "sd", "ug"})

_STRINGS: dict[str, dict[str, str]] = {
    "skip": {
        "ar": "الانتقال إلى المحتوى",
        "en": "Skip to content",
        "es": "Ir al contenido",
        "fr": "Aller au contenu",
        "ru": "Перейти к содержанию",
        "zh": "跳到正文",
    },
    "dataset": {
        "ar": "وصف مجموعة البيانات",
        "en": "Dataset description",
        "es": "Descripción del conjunto de datos",
        "fr": "Description du jeu de données",
        "ru": "Описание набора данных",
        "zh": "数据集说明",
    },
    "sparql": {
        "ar": "نقطة وصول SPARQL",
        "en": "SPARQL endpoint",
        "es": "Punto de acceso SPARQL",
        "fr": "Point d'accès SPARQL",
        "ru": "Точка доступа SPARQL",
        "zh": "SPARQL 端点",
    },
    "types": {"ar": "الأنواع", "en": "Types", "es": "Tipos", "fr": "Types", "ru": "Типы", "zh": "类型"},
    "labels": {"ar": "التسميات", "en": "Labels", "es": "Etiquetas", "fr": "Libellés", "ru": "Названия", "zh": "名称"},
    "language": {"ar": "اللغة", "en": "Language", "es": "Idioma", "fr": "Langue", "ru": "Язык", "zh": "语言"},
    "label": {"ar": "التسمية", "en": "Label", "es": "Etiqueta", "fr": "Libellé", "ru": "Название", "zh": "名称"},
    "properties": {
        "ar": "الخصائص",
        "en": "Properties",
        "es": "Propiedades",
        "fr": "Propriétés",
        "ru": "Свойства",
        "zh": "属性",
    },
    "incoming": {
        "ar": "ما يشير إلى هذا المورد",
        "en": "Referenced by",
        "es": "Referenciado por",
        "fr": "Référencé par",
        "ru": "Ссылки на этот ресурс",
        "zh": "引用本资源的条目",
    },
    "sources": {"ar": "المصادر", "en": "Sources", "es": "Fuentes", "fr": "Sources", "ru": "Источники", "zh": "来源"},
    "sources_intro": {
        "ar": "الفقرات التي استُخرجت منها الوقائع المتعلقة بهذا المورد.",
        "en": "The paragraphs the facts about this resource were extracted from.",
        "es": "Los párrafos de los que se extrajeron los hechos sobre este recurso.",
        "fr": "Les paragraphes dont ont été extraits les faits concernant cette ressource.",
        "ru": "Пункты, из которых извлечены факты об этом ресурсе.",
        "zh": "本资源相关事实的提取来源段落。",
    },
    "paragraph_text": {
        "ar": "نص الفقرة",
        "en": "Text of the paragraph",
        "es": "Texto del párrafo",
        "fr": "Texte du paragraphe",
        "ru": "Текст пункта",
        "zh": "段落文本",
    },
    "paragraph": {"ar": "الفقرة", "en": "Paragraph", "es": "Párrafo", "fr": "Paragraphe", "ru": "Пункт", "zh": "段落"},
    "document": {
        "ar": "الوثيقة",
        "en": "Document",
        "es": "Documento",
        "fr": "Document",
        "ru": "Документ",
        "zh": "文件",
    },
    "extractor": {
        "ar": "أداة الاستخراج",
        "en": "Extractor",
        "es": "Extractor",
        "fr": "Extracteur",
        "ru": "Средство извлечения",
        "zh": "提取器",
    },
    "confidence": {
        "ar": "درجة الثقة",
        "en": "Confidence",
        "es": "Confianza",
        "fr": "Confiance",
        "ru": "Достоверность",
        "zh": "置信度",
    },
    "graphs": {
        "ar": "الرسوم البيانية المسماة",
        "en": "Named graphs",
        "es": "Grafos con nombre",
        "fr": "Graphes nommés",
        "ru": "Именованные графы",
        "zh": "命名图",
    },
    "formats": {
        "ar": "صيغ أخرى",
        "en": "Other formats",
        "es": "Otros formatos",
        "fr": "Autres formats",
        "ru": "Другие форматы",
        "zh": "其他格式",
    },
    "more": {
        "ar": "و{n} غيرها",
        "en": "and {n} more",
        "es": "y {n} más",
        "fr": "et {n} de plus",
        "ru": "и ещё {n}",
        "zh": "另有 {n} 项",
    },
    "showing": {
        "ar": "يُعرض {shown} من أصل {total}.",
        "en": "Showing {shown} of {total}.",
        "es": "Se muestran {shown} de {total}.",
        "fr": "{shown} sur {total} affichés.",
        "ru": "Показано {shown} из {total}.",
        "zh": "共 {total} 项，显示 {shown} 项。",
    },
    "error": {"ar": "خطأ", "en": "Error", "es": "Error", "fr": "Erreur", "ru": "Ошибка", "zh": "错误"},
    "error_400": {
        "ar": "طلب غير صالح",
        "en": "Bad request",
        "es": "Solicitud incorrecta",
        "fr": "Requête incorrecte",
        "ru": "Неверный запрос",
        "zh": "请求无效",
    },
    "error_404": {
        "ar": "غير موجود",
        "en": "Not found",
        "es": "No encontrado",
        "fr": "Introuvable",
        "ru": "Не найдено",
        "zh": "未找到",
    },
    "error_406": {
        "ar": "لا توجد صيغة مقبولة",
        "en": "No acceptable format",
        "es": "Ningún formato aceptable",
        "fr": "Aucun format acceptable",
        "ru": "Нет приемлемого формата",
        "zh": "没有可接受的格式",
    },
    "error_500": {
        "ar": "خطأ في الخادم",
        "en": "Server error",
        "es": "Error del servidor",
        "fr": "Erreur du serveur",
        "ru": "Ошибка сервера",
        "zh": "服务器错误",
    },
    "error_503": {
        "ar": "الخدمة غير متاحة",
        "en": "Service unavailable",
        "es": "Servicio no disponible",
        "fr": "Service indisponible",
        "ru": "Сервис недоступен",
        "zh": "服务不可用",
    },
    # Punctuation differs too: a space before the colon in French, full-width marks in Chinese.
    "colon": {"ar": ": ", "en": ": ", "es": ": ", "fr": "\u00a0: ", "ru": ": ", "zh": "："},
    "separator": {"ar": "؛ ", "en": "; ", "es": "; ", "fr": "\u00a0; ", "ru": "; ", "zh": "；"},
    "status": {"ar": "الحالة", "en": "Status", "es": "Estado", "fr": "Statut", "ru": "Статус", "zh": "状态"},
    # The synthesis (api/synthesis_render.py).
    "group": {"ar": "الجهة", "en": "Group", "es": "Grupo", "fr": "Groupe", "ru": "Группа", "zh": "类别"},
    "kind": {"ar": "النوع", "en": "Kind", "es": "Tipo", "fr": "Type", "ru": "Тип", "zh": "种类"},
    "evidence": {"ar": "الأدلة", "en": "Evidence", "es": "Pruebas", "fr": "Éléments", "ru": "Сведения", "zh": "依据"},
    "paragraphs": {
        "ar": "الفقرات",
        "en": "Paragraphs",
        "es": "Párrafos",
        "fr": "Paragraphes",
        "ru": "Абзацы",
        "zh": "段落",
    },
    "summary": {"ar": "الخلاصة", "en": "Summary", "es": "Resumen", "fr": "Résumé", "ru": "Резюме", "zh": "摘要"},
    "comparison": {
        "ar": "المقارنة",
        "en": "Comparison",
        "es": "Comparación",
        "fr": "Comparaison",
        "ru": "Сравнение",
        "zh": "比较",
    },
    "paragraph_abbreviation": {"ar": "الفقرة", "en": "para.", "es": "párr.", "fr": "par.", "ru": "п.", "zh": "段"},
}


def ui(lang: str) -> dict[str, str]:
    """The interface strings in `lang` (a UN language; English for any other)."""
    language = lang if lang in UN_LANGUAGES else "en"
    return {key: texts[language] for key, texts in _STRINGS.items()}


def text_direction(lang: str | None) -> str:
    """The `dir` attribute for text in `lang`: rtl, ltr, or auto when the language is unknown."""
    if not lang:
        return "auto"
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def missing_translations() -> list[tuple[str, str]]:
    """(key, language) for every string lacking a translation; empty when complete."""
    return [(key, lang) for key, texts in _STRINGS.items() for lang in UN_LANGUAGES if not texts.get(lang)]
