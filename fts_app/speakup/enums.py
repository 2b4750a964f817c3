"""The portal's answer lists: the single source for its forms, validation and reports.

Every equality question can be left blank and offers "Prefer not to say".
"""

from __future__ import annotations

from fts_app.choices import Choice

PREFER_NOT_TO_SAY = ("prefer-not-to-say", "Prefer not to say")


class Ethnicity(Choice):
    """Ethnic group, in the categories of the 2021 Census for England."""

    ASIAN_BANGLADESHI = ("asian-bangladeshi", "Asian or Asian British: Bangladeshi")
    ASIAN_CHINESE = ("asian-chinese", "Asian or Asian British: Chinese")
    ASIAN_INDIAN = ("asian-indian", "Asian or Asian British: Indian")
    ASIAN_PAKISTANI = ("asian-pakistani", "Asian or Asian British: Pakistani")
    ASIAN_OTHER = ("asian-other", "Asian or Asian British: any other Asian background")
    BLACK_AFRICAN = ("black-african", "Black, Black British, Caribbean or African: African")
    BLACK_CARIBBEAN = ("black-caribbean", "Black, Black British, Caribbean or African: Caribbean")
    BLACK_OTHER = (
        "black-other",
        "Black, Black British, Caribbean or African: any other Black, Black British or "
        "Caribbean background",
    )
    MIXED_WHITE_ASIAN = ("mixed-white-asian", "Mixed or multiple ethnic groups: White and Asian")
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed-white-black-african",
        "Mixed or multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed-white-black-caribbean",
        "Mixed or multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_OTHER = (
        "mixed-other",
        "Mixed or multiple ethnic groups: any other mixed or multiple ethnic background",
    )
    WHITE_BRITISH = (
        "white-british",
        "White: English, Welsh, Scottish, Northern Irish or British",
    )
    WHITE_IRISH = ("white-irish", "White: Irish")
    WHITE_GYPSY_TRAVELLER = ("white-gypsy-traveller", "White: Gypsy or Irish Traveller")
    WHITE_ROMA = ("white-roma", "White: Roma")
    WHITE_OTHER = ("white-other", "White: any other White background")
    OTHER_ARAB = ("other-arab", "Other ethnic group: Arab")
    OTHER = ("other", "Other ethnic group: any other ethnic group")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Disability(Choice):
    """Whether the person considers themselves disabled."""

    YES = ("yes", "Yes")
    NO = ("no", "No")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Sex(Choice):
    """Sex, as asked in the 2021 Census."""

    FEMALE = ("female", "Female")
    MALE = ("male", "Male")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class SexualOrientation(Choice):
    """Sexual orientation, in the 2021 Census categories."""

    STRAIGHT = ("straight", "Straight or heterosexual")
    GAY_LESBIAN = ("gay-lesbian", "Gay or lesbian")
    BISEXUAL = ("bisexual", "Bisexual")
    OTHER = ("other", "Another sexual orientation")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Religion(Choice):
    """Religion or belief, in the 2021 Census categories."""

    NONE = ("none", "No religion")
    CHRISTIAN = ("christian", "Christian")
    BUDDHIST = ("buddhist", "Buddhist")
    HINDU = ("hindu", "Hindu")
    JEWISH = ("jewish", "Jewish")
    MUSLIM = ("muslim", "Muslim")
    SIKH = ("sikh", "Sikh")
    OTHER = ("other", "Any other religion")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class AgeBand(Choice):
    """Age band, as in the NHS Staff Survey so the two can be compared."""

    UP_TO_20 = ("16-20", "16 to 20")
    FROM_21_TO_30 = ("21-30", "21 to 30")
    FROM_31_TO_40 = ("31-40", "31 to 40")
    FROM_41_TO_50 = ("41-50", "41 to 50")
    FROM_51_TO_65 = ("51-65", "51 to 65")
    OVER_65 = ("66-plus", "66 or over")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Harm(Choice):
    """Whether anyone was or could be harmed."""

    HARMED = ("harmed", "Yes, someone was harmed")
    COULD_BE_HARMED = ("could-be-harmed", "Someone could be harmed")
    NO = ("no", "No")
    NOT_SURE = ("not-sure", "I'm not sure")


class RaisedBefore(Choice):
    """Whether the person raised the concern before coming to a guardian."""

    YES = ("yes", "Yes")
    NO = ("no", "No")


class RaisedWith(Choice):
    """Who the person raised the concern with before."""

    LINE_MANAGER = ("line-manager", "My line manager or another manager")
    HR = ("hr", "HR")
    PATIENT_SAFETY_TEAM = ("patient-safety-team", "The patient safety team")
    GUARDIAN = ("guardian", "A Freedom to Speak Up Guardian or champion")
    REGULATOR = ("regulator", "A regulator, such as the Care Quality Commission (CQC)")
    OTHER = ("other", "Someone else")


class DetrimentAnswer(Choice):
    """The check-in some months after closure: treated badly for speaking up?"""

    YES = ("yes", "Yes")
    NO = ("no", "No")
