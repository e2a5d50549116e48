"""Arabic function words, in matching form after `light_stem`: the words every text holds.

Rarity weights come from document frequency; in a small collection (two texts compared on their own)
document frequency cannot tell "في" from "لافروف", so these words start as if seen in every text of a
background corpus. General knowledge of the language (particles, prepositions, pronouns, auxiliaries,
relative and demonstrative words), not counted from any corpus.
"""

from __future__ import annotations

_WORDS = """
    في من الى على عن مع منذ حتى خلال بين عند لدى نحو حول ضد دون تحت فوق امام وراء بعد قبل عبر لكن لكن
    و ف ثم او ام بل لا لم لن ما ليس ليست قد لقد سوف ان انه انها انهم اذا اذ لو لولا كي لكي حيث كما مثل
    كل بعض غير سوي اي ايضا فقط جدا هنا هناك هذا هذه ذلك تلك هولاء اولئك هو هي هم هن انت انا نحن انتم
    الذي التي الذين اللذين اللتين اللاتي اللواتي من ما ماذا متى اين كيف لماذا كم هل
    كان كانت كانوا يكون تكون يكن تكن اصبح اصبحت ظل ظلت بات مازال ما زال لايزال
    له لها لهم لهن لنا لي لك به بها بهم بنا فيه فيها فيهم منه منها منهم عليه عليها عليهم عنه عنها عنهم
    اليه اليها اليهم معه معها معهم بين بينما بينهم لان لانه لانها وان وانه وانها كذلك اما الا الى
    قال قالت يقول تقول اكد اكدت اضاف اضافت اشار اشارت اوضح اوضحت ذكر ذكرت وفق وفقا حسب بحسب
    عام العام يوم اليوم امس غدا الان حاليا بعدما عندما حين كلما لدي لديه لديها لديهم الذي اخر اخري
    تم يتم سيتم وتم ويتم جري يجري
"""

FUNCTION_WORDS = frozenset(_WORDS.split())
