"""Word lists the analysers use: months, weekdays, numbers, cue verbs, titles, honorifics."""

from __future__ import annotations

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozen": 12, "couple": 2, "half": 0.5,
}
VAGUE_QUANTITIES = {"several", "few", "a few", "many", "some", "recent", "past", "coming", "next", "last"}
# Unit of a duration -> (TIMEX3 letter, is a time-of-day unit)
DURATION_UNITS = {
    "year": ("Y", False), "month": ("M", False), "week": ("W", False), "day": ("D", False),
    "decade": ("DE", False), "century": ("CE", False), "quarter": ("Q", False),
    "hour": ("H", True), "minute": ("M", True), "second": ("S", True), "weekend": ("WE", False),
}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI", "midday": "MI",
                "overnight": "NI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8,
                "nineties": 9}
# Holidays with a fixed day (month, day), or the n-th weekday of a month (month, weekday, n; n = -1 is the last)
FIXED_HOLIDAYS = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
                  "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
                  "the fourth of july": (7, 4), "halloween": (10, 31), "valentine's day": (2, 14)}
WEEKDAY_HOLIDAYS = {"thanksgiving": (11, 3, 4), "thanksgiving day": (11, 3, 4), "labor day": (9, 0, 1),
                    "memorial day": (5, 0, -1)}

# Verbs and phrases that introduce what someone said; the analyser lemmatises before lookup.
SPEECH_VERBS = frozenset("""
say tell add note write warn declare stress insist state claim argue explain announce emphasize emphasise
urge caution acknowledge admit assert confirm deny reply respond answer ask suggest promise pledge
vow threaten recall remark comment observe report reveal conclude concede contend maintain reiterate
underline highlight mention complain accuse predict estimate charge propose recommend
tweet demand joke quip exclaim shout yell testify retort boast lament counter recount continue agree
""".split())
ACCORDING_TO = ("according to",)

# Titles that name a role; "German Chancellor Olaf Scholz" gives the role "German Chancellor".
ROLE_WORDS = frozenset("""
president chancellor minister premier secretary general chief envoy spokesman spokeswoman spokesperson
ambassador governor mayor senator representative congressman congresswoman king queen prince princess
chairman chairwoman chair director commissioner leader head ceo founder judge justice attorney officer
commander general admiral colonel captain sergeant lieutenant advisor adviser diplomat negotiator
deputy vice foreign defence defense prime state interior finance economy trade justice
pope bishop archbishop cardinal police mp chief-of-staff economist analyst professor researcher
coach manager striker goalkeeper captain owner executive official representative lawmaker
""".split())
HONORIFICS = frozenset("""
sir dame lord lady mr mrs ms miss dr prof professor rev reverend hon honourable honorable
mme mlle herr frau sen rep gov gen col lt capt sgt
""".split())

# Words that mean a relative clause continues, so a pronoun two sentences on is not a new speaker.
PRONOUNS_MALE = frozenset({"he", "him", "his"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers"})
PRONOUNS_PLURAL = frozenset({"they", "them", "their"})

# Common first names, for gender of pronoun resolution; a short list, extended by what the text shows.
FEMALE_FIRST_NAMES = frozenset("""
ursula giorgia mette kaja annalena christiane sarah mary anna maria elena olga julia kamala hillary
angela theresa liz margaret nicola jacinda sanna marine ségolène segolene ana laura emma sophie claire
helen jane susan karen lisa linda patricia barbara elizabeth jennifer nancy michelle christine kristalina
roberta yulia iryna natalia svetlana tulsi kristi pam karoline marta ewa agnieszka beata
karin ingrid ines esther miriam hana clara lena petra anna ruth helen
""".split())
MALE_FIRST_NAMES = frozenset("""
donald vladimir volodymyr emmanuel keir olaf mark marco sergey sergei pete keith jd radoslaw alexander
antonio jean pedro dick jose peter mike steve viktor joe john james robert michael david richard thomas
paul daniel martin boris xi wang narendra recep
""".split())
# The most common given names of the US and UK and their usual short forms: gender for pronoun resolution.
FEMALE_FIRST_NAMES = FEMALE_FIRST_NAMES | frozenset("""
patricia jennifer linda elizabeth barbara jessica sarah karen nancy betty margaret sandra ashley kimberly
emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen
amy angela shirley brenda pamela nicole samantha katherine christine debra rachel carolyn janet catherine
heather diane julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea
cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice abigail alice judy
sophia grace denise amber doris marilyn danielle beverly isabella diana natalie brittany charlotte marie
kayla alexis lori jane louise rose lucy sophie chloe amelia jessie valerie wendy tina rita irene
liz beth sue kate katie kathy jenny becky debbie peggy cindy patty meg maggie annie abby jackie
""".split())
MALE_FIRST_NAMES = MALE_FIRST_NAMES | frozenset("""
james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony
steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary
nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory frank patrick raymond
jack dennis jerry tyler aaron adam nathan henry douglas zachary kyle ethan walter noah jeremy christian
roger terry gerald harold sean austin carl arthur lawrence dylan jesse bryan billy bruce gabriel logan
albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip louis
harry oliver charlie edward hugh ian neil graham simon
bill bob jim jimmy tom ted dan danny ben tim dave rick ron ken greg jeff andy tony nick matt chuck
hank fred
""".split())
# Plural or vague subjects that name no identifiable speaker ("analysts said").
VAGUE_SPEAKERS = frozenset("""
officials analysts leaders sources experts observers people residents critics witnesses groups some many
others pharmacists diplomats reports studies researchers authorities police campaigners activists
""".split())
# Nouns that name an institution speaking as one ("the French presidency said").
INSTITUTION_WORDS = frozenset("""
presidency ministry office agency service council government company court committee commission
department administration embassy union authority board police army military parliament party
spokesman spokeswoman spokesperson master
""".split())
