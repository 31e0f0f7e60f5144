"""Original demo content for ``manage.py seed_demo``: every word here is our own."""

PROGRAM = {
    "name": "Center for Democratic Resilience",
    "slug": "democratic-resilience",
    "mission": (
        "The Center for Democratic Resilience studies how open societies withstand pressure "
        "from authoritarian neighbours, and works with policymakers on both sides of the "
        "Atlantic to strengthen institutions, energy security and a free press."
    ),
    "website": "https://example.org/democratic-resilience",
    "x_handle": "resiliencectr",
}

SERIES = [
    {
        "name": "Borderlands Brief",
        "slug": "borderlands-brief",
        "description": (
            "Short analysis, twice a week, of politics and security along the eastern edge "
            "of Europe."
        ),
        "disclaimer": (
            "The views expressed in Borderlands Brief are the authors' own and do not "
            "necessarily reflect those of the Center, its staff or its funders."
        ),
    },
    {
        "name": "Energy Ledger",
        "slug": "energy-ledger",
        "description": "Data-driven notes on energy markets, grids and the politics of supply.",
        "disclaimer": (
            "Energy Ledger publishes independent analysis; opinions belong to the authors alone."
        ),
    },
]

FELLOWS = [
    (
        "Marta Kowalczyk",
        "Senior Fellow",
        "former diplomat from Poland",
        "Marta spent fifteen years in foreign service postings from Kyiv to Tbilisi before "
        "joining the Center, where she leads work on regional security cooperation.",
    ),
    (
        "Daniel Okafor",
        "Nonresident Senior Fellow",
        "energy economist based in Rotterdam",
        "Daniel models gas and electricity flows across European interconnectors and advises "
        "utilities on supply risk.",
    ),
    (
        "Ilona Varga",
        "Resident Fellow",
        "investigative journalist from Hungary",
        "Ilona reported on procurement and media ownership for a decade before turning to "
        "research on information integrity.",
    ),
    (
        "Tomas Petrauskas",
        "Nonresident Fellow",
        "security analyst from Lithuania",
        "Tomas writes about the Baltic states, hybrid threats and the defence of critical "
        "infrastructure.",
    ),
    (
        "Sofia Herrera",
        "Director of Research",
        "political scientist",
        "Sofia directs the Center's research agenda and studies how sanctions change the "
        "behaviour of governments under pressure.",
    ),
    (
        "Yuri Bondarenko",
        "Nonresident Senior Fellow",
        "journalist from Ukraine",
        "Yuri covered the front line and reconstruction for national broadcasters and now "
        "writes about wartime governance.",
    ),
    (
        "Aisha Rahman",
        "Fellow",
        "climate and grid specialist",
        "Aisha works on how power grids adapt to renewable generation and extreme weather.",
    ),
]

# (title, dek, series slug, tags, fellow indexes)
ARTICLES = [
    (
        "Why border towns are rewriting their emergency plans",
        "Municipal leaders near contested frontiers are no longer waiting for capitals to act.",
        "borderlands-brief",
        ["security", "local government"],
        [0],
    ),
    (
        "The quiet arithmetic of winter gas storage",
        "Storage levels look comfortable, but the refill season will decide next year's prices.",
        "energy-ledger",
        ["energy", "gas markets"],
        [1],
    ),
    (
        "Who owns the regional newspapers now",
        "A wave of acquisitions has changed what millions of readers see each morning.",
        "borderlands-brief",
        ["media", "information integrity"],
        [2],
    ),
    (
        "Undersea cables are the new front line",
        "Damage to seabed infrastructure exposes how little of it anyone watches.",
        "borderlands-brief",
        ["security", "infrastructure"],
        [3],
    ),
    (
        "Sanctions fatigue is a choice, not a fate",
        "Enforcement gaps, not the measures themselves, explain most of the leakage.",
        "borderlands-brief",
        ["sanctions", "diplomacy"],
        [4],
    ),
    (
        "Rebuilding schools before the war ends",
        "Communities that reopen classrooms early keep families from leaving for good.",
        "borderlands-brief",
        ["reconstruction", "education"],
        [5],
    ),
    (
        "Heatwaves are stress-testing the grid",
        "Summer peaks, not winter cold, may become the binding constraint for operators.",
        "energy-ledger",
        ["energy", "climate", "grids"],
        [6],
    ),
    (
        "A practical agenda for the next summit",
        "Three commitments that could be agreed, funded and checked within a year.",
        "borderlands-brief",
        ["diplomacy", "security"],
        [0, 4],
    ),
    (
        "Interconnectors: the unglamorous backbone of solidarity",
        "Cross-border power lines did more for resilience last winter than any speech.",
        "energy-ledger",
        ["energy", "grids", "infrastructure"],
        [1, 6],
    ),
    (
        "Disinformation follows the electricity bill",
        "Campaigns that exploit price spikes are more effective than those about war.",
        "borderlands-brief",
        ["information integrity", "energy"],
        [2],
    ),
    (
        "Drones over airports: a policy gap, not a technology gap",
        "Detection tools exist; clear rules on who may act on them mostly do not.",
        "borderlands-brief",
        ["security", "infrastructure"],
        [3],
    ),
    (
        "What exiled opposition movements need from Europe",
        "Recognition matters less than visas, bank accounts and a place to work.",
        "borderlands-brief",
        ["diplomacy", "democracy"],
        [0, 5],
    ),
    (
        "Counting the cost of idle refineries",
        "Refining capacity has become a security question as much as a commercial one.",
        "energy-ledger",
        ["energy", "industry"],
        [1],
    ),
    (
        "Local radio still matters in a crisis",
        "When networks fail, the oldest broadcast medium is often the last one standing.",
        "borderlands-brief",
        ["media", "resilience"],
        [2, 3],
    ),
    (
        "Reconstruction money needs receipts",
        "Transparent procurement is the condition for donors to keep paying.",
        "borderlands-brief",
        ["reconstruction", "governance"],
        [5, 4],
    ),
    (
        "Batteries are changing the evening peak",
        "Grid-scale storage has begun to shave the hours that once set prices.",
        "energy-ledger",
        ["energy", "grids", "climate"],
        [6],
    ),
    (
        "The long tail of shadow fleets",
        "Ageing tankers with opaque ownership carry environmental and legal risks.",
        "energy-ledger",
        ["sanctions", "energy", "shipping"],
        [4, 1],
    ),
    (
        "Training municipal officials for hybrid threats",
        "Small councils are targets precisely because nobody expects them to be.",
        "borderlands-brief",
        ["security", "local government"],
        [3],
    ),
    (
        "Five charts on household energy debt",
        "Arrears have fallen from their peak but remain above pre-crisis levels.",
        "energy-ledger",
        ["energy", "households"],
        [1],
    ),
    (
        "Press freedom indexes miss the economics",
        "Ownership and advertising, not arrests, now shape most newsrooms' limits.",
        "borderlands-brief",
        ["media", "democracy"],
        [2],
    ),
    (
        "A ceasefire is not a settlement",
        "Lessons from frozen conflicts for anyone drafting the next agreement.",
        "borderlands-brief",
        ["diplomacy", "security"],
        [0],
    ),
    (
        "Hydrogen hubs: where the money is actually going",
        "Announced projects far outnumber those with contracts and customers.",
        "energy-ledger",
        ["energy", "industry", "climate"],
        [6, 1],
    ),
    (
        "Rail gauges and military mobility",
        "A nineteenth-century engineering choice still limits twenty-first-century logistics.",
        "borderlands-brief",
        ["security", "infrastructure"],
        [3, 0],
    ),
    (
        "Why sanctions lists need an exit door",
        "Clear delisting criteria make designations more credible, not less.",
        "borderlands-brief",
        ["sanctions", "governance"],
        [4],
    ),
    (
        "Wartime elections and the question of legitimacy",
        "Postponing a vote can be lawful and still carry a political price.",
        "borderlands-brief",
        ["democracy", "governance"],
        [5],
    ),
    (
        "District heating is due for a rethink",
        "Old networks can become an asset if cities plan the switch to heat pumps.",
        "energy-ledger",
        ["energy", "households", "climate"],
        [6],
    ),
    (
        "Fact-checkers cannot do it alone",
        "Platforms, schools and public broadcasters share the work of resilience.",
        "borderlands-brief",
        ["information integrity", "media"],
        [2],
    ),
    (
        "Grain corridors and the insurance market",
        "Shipping follows underwriters, and underwriters follow predictable rules.",
        "borderlands-brief",
        ["shipping", "security"],
        [4, 3],
    ),
    (
        "The case for a regional energy reserve",
        "Pooling reserves would cost less than every country insuring itself.",
        "energy-ledger",
        ["energy", "gas markets", "diplomacy"],
        [1, 0],
    ),
    (
        "Veterans returning to civilian work",
        "Employers and municipalities are improvising programmes that deserve support.",
        "borderlands-brief",
        ["reconstruction", "governance"],
        [5],
    ),
    (
        "Solar on every school roof",
        "A modest programme with outsized effects on budgets and blackout resilience.",
        "energy-ledger",
        ["energy", "education", "resilience"],
        [6],
    ),
    (
        "Reading the budget of a neighbour under pressure",
        "Defence spending hides in line items that rarely make the headlines.",
        "borderlands-brief",
        ["security", "governance"],
        [0, 4],
    ),
]

# Sentences for the bodies; ``{topic}`` becomes the piece's first tag.
OPENINGS = [
    "Few debates in {topic} have moved as quickly over the past year as this one.",
    "The conversation about {topic} usually starts in capitals, but the evidence begins elsewhere.",
    "Officials responsible for {topic} describe a year of improvisation that is now "
    "hardening into policy.",
]
MIDDLES = [
    "Interviews with practitioners suggest that the constraint is rarely money alone; it is the "
    "absence of a clear owner for the problem.",
    "Comparable cases elsewhere in the region show that early, modest investments tend to "
    "outperform late, ambitious ones.",
    "Public figures remain incomplete, but the trend in the data available is consistent across "
    "several independent sources.",
    "Critics argue that the measures so far treat symptoms, and they have a point worth taking "
    "seriously.",
    "The second-order effects matter as much as the headline numbers: who pays, who decides "
    "and who is left out.",
    "Partners abroad are watching closely, because the choices made here will set expectations for "
    "their own plans.",
]
CLOSINGS = [
    "None of this requires a grand strategy. It requires a list of tasks, a budget line and "
    "someone accountable for each.",
    "The window for acting before the next crisis is open, but it will not stay open for long.",
    "Getting the sequence right now will save far more than it costs.",
]
