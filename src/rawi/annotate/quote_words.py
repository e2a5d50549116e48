"""Closed word classes that quotation finding reads around a cue, in matching form (see rawi.text.match_form).

They are grammar, not names: complementizers, prepositions, time words, titles and honorifics that stand
before a name, heads of organization names, nouns of speech, and the nouns whose "statements" are the
journalist's own reading (تصريحات لافروف تشير إلى أن…) rather than anybody's words.
"""

from __future__ import annotations


def vocabulary(text: str) -> frozenset[str]:
    """The words of `text` as the quote finder's view spells them. Lists are written in match_form, which
    folds ة to ه and ى to ي; the view keeps them apart, so a word ending in ه is also listed with ة and one
    ending in ي with ى."""
    return frozenset(variant for w in text.split() for variant in spellings(w))


def spellings(word: str) -> tuple[str, ...]:
    """A match_form word and the spellings the quote finder's view may give it (final ة for ه, ى for ي)."""
    if word.endswith("ه"):
        return (word, word[:-1] + "ة")
    if word.endswith("ي"):
        return (word, word[:-1] + "ى")
    return (word,)


# That-clauses: the reported clause starts after them (with a pronoun, the pronoun is its subject).
COMPLEMENTIZERS = vocabulary("ان بان وان وبان لان")
COMPLEMENTIZERS_PRONOUN = vocabulary(
    "انه انها انهم انهما انهن اننا انني اني بانه بانها بانهم بانهما باننا وانه وانها وانهم"
)
PREPOSITIONS = vocabulary(
    "داخل خارج علي الي من عن في مع حول ضد خلال امام عبر لدي لدى بعد قبل اثناء عقب ضمن منذ تجاه نحو حتي دون بين عند"
)
TIME_WORDS = vocabulary(
    """امس اليوم يوم مساء صباح ليله ليل ظهر فجر الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت
    امس الماضي الحالي امسيه غدا الليله"""
)
ADVERBS = vocabulary("ايضا كذلك بدوره بدورها بدورهم مجددا مرارا سابقا اخيرا حاليا ذلك بدوره اليوم كما بالمقابل")
FUNCTION = vocabulary(
    """الذي التي الذين اللذين اللتين اللواتي اللاتي حيث اذ كما لكن ولكن لكنه لكنها بل ثم او ام هو هي هم هما
    قد وقد فقد لقد كان كانت وكان وكانت لا لم لن ما ولا ولم ولن وما فلا فلم ليس ليست ان وان فان اما واما
    انما بينما فيما وفيما وبينما اذا لو مما بما عندما حين حينما كلما وهو وهي وهم وهذا وهذه هذا هذه ذلك
    تلك هناك هنا الا غير سوي اي كل بعض جميع عدد ومن من وفي في وعلي علي وعن عن والي الي ومع مع"""
)
NEGATIONS = vocabulary("لا لم لن ما ليس ولا ولم ولن وما فلا فلم فلن")
RELATIVES = vocabulary("الذي التي الذين اللذين اللتين اللواتي اللاتي ما مما بما")
# Pronouns that carry a hidden subject before a cue: لكنه أكد، إنها أوضحت.
PRONOUN_SUBJECTS = {
    "لكنه": "m",
    "ولكنه": "m",
    "انه": "m",
    "فانه": "m",
    "وانه": "m",
    "كونه": "m",
    "هو": "m",
    "وهو": "m",
    "لكنها": "f",
    "ولكنها": "f",
    "انها": "f",
    "فانها": "f",
    "وانها": "f",
    "كونها": "f",
    "هي": "f",
    "وهي": "f",
    "لكنهم": "m",
    "ولكنهم": "m",
    "انهم": "m",
    "فانهم": "m",
    "هم": "m",
    "وهم": "m",
}
# Honorific pronouns that stand for the subject after the verb: وأكد سموه أن.
HONORIFIC_PRONOUNS = vocabulary("سموه سموها معاليه معاليها فضيلته سماحته جلالته فخامته سعادته سيادته")
# Nouns of the occasion that may follow the speaker before what was said: حديثه، في بيان، بالقول.
SPEECH_NOUNS = vocabulary(
    """حديثه حديثها كلمته كلمتها تصريحه تصريحها تصريحاته تصريحاتها بيانه بيانها خطابه خطابها رسالته رسالتها
    تغريدته تغريدتها مداخلته مداخلتها حواره حوارها لقايه لقايها كلامه كلامها ردا رده بالقول بالتاكيد
    بالاشاره بالدعوه بالتشديد القول التاكيد الاشاره الدعوه التشديد تاكيده تاكيدها دعوته دعوتها"""
)
OCCASION_NOUNS = vocabulary(
    """بيان بيانه بيانها تصريح تصريحات تصريحه تصريحاته حديث حديثه حوار حواره مقابله مقابلته كلمه كلمته
    مويتمر موتمر اجتماع لقاء اتصال تغريده رساله خطاب ختام افتتاح سياق معرض ندوه جلسه ورشه منشور مقال
    برنامج تسجيل فيديو مقطع صفحته حسابه حسابها موقعها موقعه تقريرها تقريره ردها رده معرض المويتمر الموتمر
    المقابله الاجتماع اللقاء البيان الحوار الجلسه الندوه الكلمه الخطاب تعليق تعليقه"""
)
# Titles and roles before or after a name (their definite and construct forms).
TITLES = vocabulary(
    """وزير وزيره الوزير الوزيره رييس رييسه الرييس الرييسه نايب نايبه النايب مدير مديره المدير المديره
    المتحدث المتحدثه متحدث متحدثه الناطق الناطقه ناطق مستشار مستشاره المستشار سفير سفيره السفير امين
    الامين امينه عضو عضوه العضو محافظ المحافظ امير الامير اميره ملك الملك ملكه الملكه ولي قايد القايد
    مسوول مسووله المسوول المسووله مصدر المصدر مصادر المصادر خبير خبيره الخبير الخبيره المحلل محلل
    الباحث باحث باحثه استاذ الاستاذ عميد العميد وكيل الوكيل مساعد المساعد زعيم الزعيم مندوب المندوب
    مبعوث المبعوث المفوض مفوض منسق المنسق المرشد مفتي المفتي نقيب عمده قنصل القنصل ملحق سكرتير
    رييسا مسوولون المسوولون مسوولين خبراء الخبراء محللون المحللون شهود الشهود مراسل المراسل موظف
    سكان السكان احد ممثل الممثل المدعي النايب نواب النواب قاضي القاضي محامي المحامي حاكم الحاكم
    المتحدثون متحدثون الامينه كبير كبار مساعدو اعضاء الاعضاء قياديون قيادي القيادي ناشط الناشط ناشطون"""
)
# علي is the name Ali; the preposition is written على (the view keeps ى)
PREPOSITIONS = PREPOSITIONS - {"علي", "وعلي"}
FUNCTION = FUNCTION - {"علي", "وعلي"}
# Honorifics right before a name (the name starts after the last of them).
HONORIFICS = vocabulary(
    """الدكتور الدكتوره د المهندس المهندسه الشيخ الشيخه الامير الاميره الملك السلطان السيد السيده الاستاذ
    الاستاذه البروفيسور البروفسور دكتور دكتوره مهندس مهندسه م اللواء العميد العقيد الفريق المقدم الرايد
    النقيب الملازم المشير ركن طيار المستشار القاضي الحاج الاب البابا البطريرك المطران الامام سمو
    سماحه معالي فضيله صاحب السمو
    الملكي جلاله فخامه الوزير الرييس الكاتب الاعلامي الاعلاميه الفنان الفنانه الداعيه المطرب المطربه
    اللاعب اللاعبه المدرب الدبلوماسي الصحافي الصحفي الممثل الممثله الروايي الشاعر الشاعره المخرج المخرجه
    الناشط الناشطه المحامي المحاميه الباحث الباحثه المحلل الخبير"""
)
HONORIFICS = HONORIFICS | frozenset(w + "ة" for w in HONORIFICS if w.startswith("ال") and not w.endswith(("ة", "ه")))
# Words that extend a rank or a title and are no name: الفريق أول ركن، مدير عام، شهود عيان
TITLE_MODIFIERS = vocabulary("اول عام عيان سابق اعلي ركن طيار بحري جوي")
# Nouns of time that open an occasion phrase (الشهر الماضي، مطلع الأسبوع)
TIME_NOUNS = vocabulary("الشهر الاسبوع العام السنه الاسابيع الاشهر الايام مطلع اواخر منتصف بدايه نهايه مساء صباح")
# Heads of organization names (definite forms refer back to the last one named).
ORG_HEADS = vocabulary(
    """وزاره هييه منظمه وكاله شركه جامعه لجنه موسسه جمعيه حركه محكمه سفاره قناه صحيفه جريده مجله
    مجلس حكومه اداره اتحاد رابطه نقابه مكتب بنك مصرف صندوق مركز معهد حزب جبهه تحالف قياده شرطه
    امانه بلديه غرفه مديريه مفوضيه نيابه قوات رياسه ديوان مستشفي مدرسه كليه هييات منظمات مجموعه الجيش جيش البرلمان
    برلمان الكونغرس الخارجيه الداخليه الحكومه الرياسه البيت"""
)
ORG_HEADS_DEFINITE = frozenset("ال" + w for w in ORG_HEADS if not w.startswith("ال"))
# Subjects that are the writer's reading, not a speaker: "تصريحات لافروف تشير إلى أن", "تؤكد الأرقام أن".
NON_AGENTS = vocabulary(
    """تصريحات التصريحات تصريح التصريح المواقف مواقف الموقف موقف هذه هذا ذلك تلك الارقام ارقام البيانات
    بيانات الاحصاءات احصاءات احصاييات الاحصاييات المعطيات معطيات الموشرات موشرات الدراسات دراسات
    الدراسه دراسه التقارير تقارير التقرير تقرير النتايج نتايج الخطوه خطوه التطورات الاحداث الوقايع
    الصور صور الادله ادله المعلومات معلومات الوثايق وثايق التقديرات تقديرات التوقعات توقعات الظروف
    الامر الوضع الواقع الحقيقه التجربه التجارب الاستطلاعات استطلاع الاستطلاع الارقام الشواهد المصادفه
    الاوضاع المعطي القراءات استبيان الاستبيان التحليلات تحليلات التحليل القرار القرارات المشهد التحركات الجهود الخطوات
    المسوحات مسح المسح العقوبات الازمه الحادثه الحوادث الاتفاق الاتفاقيه اللقاء الاجتماع الزياره
    الكلمات كلمات العبارات عبارات الرساله رساله الرسايل ملامح الملامح السياسه سياسه الحرب"""
)
# Media words: "بحسب وكالة …" cites an outlet (Article.cited), it does not report a statement.
MEDIA_HEADS = vocabulary(
    """وكاله صحيفه جريده مجله قناه موقع اذاعه تلفزيون شبكه وسايل الوكاله الصحيفه الجريده المجله القناه
    الموقع الاذاعه التلفزيون الشبكه وسايل"""
)
# Heads that make "بحسب X" a source of a statement (a person or a source, not an outlet).
SOURCE_HEADS = vocabulary(
    """مصدر مصادر المصدر المصادر مسوول مسوولين مسوولون المسوول المسوولين المتحدث الناطق شهود الشهود
    مصدر مصدرا سكان السكان ناشطون ناشطين الناشطين مراسل مراسلنا خبراء الخبراء"""
) | vocabulary(
    """مراقبون مراقبين المراقبين محللون محللين المحللين مختصون مختصين المختصين متخصصون متخصصين معنيون
    مطلعون مطلعة مقربون مقربين دبلوماسيون دبلوماسيين مسوولة"""
)
# Words that, after "بحسب", begin the source (بحسب ما أفاد، حسب ما قاله).
ATTRIBUTION_WORDS = vocabulary("حسب بحسب وحسب وبحسب حسبما بحسبما وحسبما وبحسبما وفق وفقا طبقا نقلا")
# A statement as subject (وأوضح البيان أن): it speaks for whoever issued it.
STATEMENT_NOUNS = vocabulary("البيان بيان البلاغ")

# Plural sources speak too (ويرى مراقبون أن، قال خبراء إن): they head a subject like a title. And every
# title has its feminine (وزيرة، المتحدثة).
TITLES = TITLES | SOURCE_HEADS | vocabulary("مدرب لاعب حارس قايد نجم رييسة عضوة")
TITLES = TITLES | frozenset(w + "ة" for w in TITLES if not w.endswith(("ة", "ه", "ي", "ا", "ون", "ين")))
