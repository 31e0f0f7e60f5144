"""Vocabulary for generated pieces: policy-blog English, so stemming acts as on real text."""

_WORDS = """
analysis alliance allies ambassador agreement army arms assessment authority autonomy
balance ballot bank border briefing budget cabinet campaign capital ceasefire central
challenge citizens civil climate coalition commitment commission community conflict
congress constitution cooperation corruption council court crisis cyber debate debt
defense deficit democracy deployment deterrence development diplomacy disinformation
drones economy economic election elections embassy emergency energy enforcement
envoy europe european exports federal finance fiscal foreign freedom frontier funding
gas governance government grain growth guarantee health humanitarian industry
inflation influence infrastructure institutions insurgency integration intelligence
interest investment journalists judiciary justice labor law leaders leadership
legislation legitimacy liberal lobby majority maritime market markets media migration
military militia minister ministry minority mission mobilization monetary narrative
nation national navy negotiations network neutrality nuclear oil opposition order
parliament partners partnership peace pipeline platform police policy political
politics power president pressure prices prime propaganda prosecutors protest
protests public reform reforms refugees regime region regional regulation
reconstruction recovery referendum resilience resources revenue rights risk rule
sanctions satellite security senate settlement shipping society sovereignty
stability state strategy subsidies summit supply support surveillance tariffs tax
technology territory threat trade transparency treaty troops trust union unrest
values vote voters war weapons welfare workers youth agenda audit bilateral blockade
borders bureaucracy caucus charter checkpoint coastline compliance consensus convoy
corridor currency customs delegation doctrine embargo escalation exile fragile
grid harbor hostage inquiry investors kremlin loans mandate mediation memorandum
observers offensive outage ports portfolio quota rail ratification refinery
reservists shortage smuggling steel stockpile strikes talks tankers tribunal veto
wages wheat
"""

_FIRST = """Ana Boris Carla Dmitri Elena Farid Greta Hanna Ivan Julia Kamal Lena Marek Nadia
Olga Pavel Rosa Sami Tamar Viktor Yana Zofia Omar Irina Lukas Maya Nikolai
Sofia Taras Vera"""

_LAST = """Abramov Baker Costa Demir Eriksen Fischer Garcia Horvat Ivanova Jensen
Kowalski Lindqvist Moreau Novak Orlov Petrenko Quinn Rossi Schmidt Tkachenko Ulrich
Varga Weber Yilmaz Zhukova Hassan Bondar Kovacs Meyer Popescu"""

WORDS = _WORDS.split()
FIRST_NAMES = _FIRST.split()
LAST_NAMES = _LAST.split()
