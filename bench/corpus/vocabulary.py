"""Word lists the synthetic corpus draws on, so it reads and searches like a think tank's.

Lists are in rough order of frequency: the corpus samples them with Zipf weights,
so the first entries are common and the last ones rare. Each theme of
`fixtures/vocabulary.json` has its own policy terms, places and acronyms.
"""


def words(text):
    """A list from whitespace-separated words: long lists stay readable."""
    return text.split()


# Function words and the policy prose every article shares, most frequent first.
GENERAL = words("""
the of and to in a is that for on with as by its has this from will be are it which an
at not but their more than have also been would was were can its other such these
between security cooperation policy government strategic new both countries while
regional partnership international national economic support further agreement
development key defence relations global important including however year major
efforts significant within against growing towards role military its trade dialogue
through since under across part framework bilateral interests ties shared approach
capacity region future ministers leaders several engagement joint critical domestic
recent need commitment access initiative network summit stability order rules based
investment capabilities resilience infrastructure technology climate energy supply
chain industry finance private sector public institutions law norms sovereignty
influence power balance competition rivalry deterrence diplomacy governance reform
transparency accountability priorities agenda outcome implementation consensus
alliance coalition partners allies neighbours minilateral multilateral forum
mechanism consultation negotiation commitment declaration statement communique
roadmap vision pillar track initiative programme project mission capability
assessment analysis evidence data research observers analysts scholars officials
""")

# Fresh prose also draws on these verbs and modifiers, so sentences vary.
VERBS = words("""
strengthens reshapes underlines signals complicates advances deepens tests expands
constrains reflects accelerates reinforces undermines clarifies broadens sustains
""")

THEMES = {
    "indo-pacific": {
        "terms": words("""
        Indo-Pacific maritime order navigation freedom sea lanes China Quad island chain
        coercion grey-zone tensions claims arbitration tribunal reef shoal archipelago
        littoral hedging alignment rimland corridor connectivity debt ports BRI
        """),
        "phrases": [
            "freedom of navigation",
            "rules-based order",
            "free and open Indo-Pacific",
            "South China Sea",
            "Belt and Road Initiative",
            "first island chain",
            "grey-zone coercion",
            "Quad leaders summit",
        ],
        "places": words("""
        Beijing Manila Canberra Tokyo Jakarta Hanoi Singapore Taipei Malacca Spratly
        Paracel Scarborough Guam Darwin Okinawa Hambantota Gwadar Colombo Male Andaman
        """),
        "acronyms": [
            ("ASEAN", "Association of Southeast Asian Nations"),
            ("UNCLOS", "United Nations Convention on the Law of the Sea"),
            ("FONOP", "Freedom of Navigation Operation"),
            ("IPEF", "Indo-Pacific Economic Framework for Prosperity"),
            ("AUKUS", "Australia, United Kingdom and United States security pact"),
            ("RCEP", "Regional Comprehensive Economic Partnership"),
            ("EAS", "East Asia Summit"),
            ("CPEC", "China-Pakistan Economic Corridor"),
        ],
    },
    "defence-trade-and-technology": {
        "terms": words("""
        defence procurement co-production co-development licence export controls offsets
        jet engines drones munitions artillery helicopters frigates submarines sensors
        semiconductors encryption interoperability logistics foundational agreements
        indigenisation industrial base startups components
        """),
        "phrases": [
            "technology transfer",
            "foundational agreements",
            "export control regime",
            "defence industrial base",
            "co-production of jet engines",
            "critical and emerging technologies",
            "Make in India",
        ],
        "places": words("""
        Washington Bengaluru Hyderabad Pune Nashik Kanpur Toulouse Moscow Tel-Aviv
        Seoul Arlington Huntsville Ohio Texas
        """),
        "acronyms": [
            ("COMCASA", "Communications Compatibility and Security Agreement"),
            ("LEMOA", "Logistics Exchange Memorandum of Agreement"),
            ("BECA", "Basic Exchange and Cooperation Agreement for Geo-spatial Cooperation"),
            ("GSOMIA", "General Security of Military Information Agreement"),
            ("DTTI", "Defence Technology and Trade Initiative"),
            ("iCET", "Initiative on Critical and Emerging Technology"),
            ("INDUS-X", "India-US Defence Acceleration Ecosystem"),
            ("CAATSA", "Countering America's Adversaries Through Sanctions Act"),
            ("STA-1", "Strategic Trade Authorization tier 1"),
            ("DRDO", "Defence Research and Development Organisation"),
        ],
    },
    "maritime-domain-awareness": {
        "terms": words("""
        surveillance patrol aircraft vessels fishing piracy smuggling coastguard
        fusion centre information sharing white shipping radar satellite tracking
        transponders dark ships replenishment exercises navies hydrography ports
        """),
        "phrases": [
            "maritime domain awareness",
            "white shipping information",
            "illegal, unreported and unregulated fishing",
            "information fusion centre",
            "joint naval exercise",
            "sea lines of communication",
        ],
        "places": words("""
        Gurugram Mumbai Visakhapatnam Kochi Karwar Diego-Garcia Djibouti Seychelles
        Mauritius Madagascar Aden Hormuz Bab-el-Mandeb Lakshadweep Bay-of-Bengal
        """),
        "acronyms": [
            ("MDA", "Maritime Domain Awareness"),
            ("IFC-IOR", "Information Fusion Centre - Indian Ocean Region"),
            ("IUU", "Illegal, unreported and unregulated fishing"),
            ("AIS", "Automatic Identification System"),
            ("SLOC", "Sea lines of communication"),
            ("IONS", "Indian Ocean Naval Symposium"),
            ("MALABAR", "The Malabar naval exercise"),
            ("P-8I", "Poseidon maritime patrol aircraft"),
        ],
    },
    "strategic-partnerships-and-diplomacy": {
        "terms": words("""
        ministerial dialogue summit visit envoys diplomats embassy partnership
        strategic autonomy non-alignment multi-alignment hedging trust mediation
        backchannel statecraft sanctions summitry protocols consensus
        """),
        "phrases": [
            "2+2 Ministerial Dialogue",
            "strategic autonomy",
            "comprehensive global strategic partnership",
            "joint statement",
            "track two dialogue",
            "people-to-people ties",
        ],
        "places": words("""
        New-Delhi Washington Moscow Brussels Paris Berlin London Tehran Riyadh Abu-Dhabi
        Dhaka Kathmandu Thimphu Kabul Islamabad Nairobi Brasilia Pretoria
        """),
        "acronyms": [
            ("G20", "Group of Twenty"),
            ("BRICS", "Brazil, Russia, India, China and South Africa"),
            ("SCO", "Shanghai Cooperation Organisation"),
            ("SAARC", "South Asian Association for Regional Cooperation"),
            ("BIMSTEC", "Bay of Bengal Initiative for Multi-Sectoral Technical Cooperation"),
            ("IMEC", "India-Middle East-Europe Economic Corridor"),
            ("I2U2", "India, Israel, United Arab Emirates and United States"),
            ("MEA", "Ministry of External Affairs"),
        ],
    },
    "space-security": {
        "terms": words("""
        orbit satellites debris launch constellation anti-satellite navigation
        positioning imaging remote sensing spectrum conjunction tracking telescope
        reusable rockets lunar commercial space stations norms jamming spoofing
        """),
        "phrases": [
            "space situational awareness",
            "anti-satellite test",
            "low Earth orbit",
            "space debris mitigation",
            "responsible behaviour in outer space",
            "dual-use satellites",
        ],
        "places": words("""
        Sriharikota Bengaluru Houston Cape-Canaveral Baikonur Jiuquan Wenchang Kourou
        Tanegashima Vandenberg
        """),
        "acronyms": [
            ("SSA", "Space Situational Awareness"),
            ("ISRO", "Indian Space Research Organisation"),
            ("ASAT", "Anti-satellite weapon"),
            ("NavIC", "Navigation with Indian Constellation"),
            ("NISAR", "NASA-ISRO Synthetic Aperture Radar"),
            ("LEO", "Low Earth orbit"),
            ("GNSS", "Global navigation satellite systems"),
            ("OST", "Outer Space Treaty"),
        ],
    },
    "disaster-resilience": {
        "terms": words("""
        cyclones floods earthquakes tsunami heatwaves droughts landslides relief
        reconstruction insurance early-warning preparedness adaptation mitigation
        emissions resilient infrastructure humanitarian evacuation
        """),
        "phrases": [
            "humanitarian assistance and disaster relief",
            "resilient infrastructure",
            "early warning systems",
            "climate adaptation finance",
            "loss and damage",
        ],
        "places": words("""
        Odisha Gujarat Kerala Assam Chennai Nepal Bangladesh Sri-Lanka Fiji Tonga Vanuatu
        Sendai Aceh Sulawesi
        """),
        "acronyms": [
            ("CDRI", "Coalition for Disaster Resilient Infrastructure"),
            ("HADR", "Humanitarian assistance and disaster relief"),
            ("NDMA", "National Disaster Management Authority"),
            ("IPCC", "Intergovernmental Panel on Climate Change"),
            ("COP", "Conference of the Parties"),
            ("UNDRR", "United Nations Office for Disaster Risk Reduction"),
        ],
    },
    "education-and-people-to-people-ties": {
        "terms": words("""
        students universities scholarships fellowships internships visas campuses
        diaspora alumni exchanges research collaboration skills talent mobility
        language culture museums tourism think-tanks
        """),
        "phrases": [
            "academic exchanges",
            "student visas",
            "Fulbright-Nehru fellowship",
            "diaspora engagement",
            "skilled migration",
        ],
        "places": words("""
        Boston Stanford Oxford Cambridge Melbourne Toronto Kolkata Chennai Pune Varanasi
        """),
        "acronyms": [
            ("OPT", "Optional Practical Training"),
            ("STEM", "Science, technology, engineering and mathematics"),
            ("USIEF", "United States-India Educational Foundation"),
            ("NEP", "National Education Policy"),
            ("ICCR", "Indian Council for Cultural Relations"),
        ],
    },
}

# For a theme that `THEMES` does not know (an editor's own), borrow the general prose.
FALLBACK_THEME = {"terms": GENERAL[60:120], "phrases": [], "places": [], "acronyms": []}

# Topic names are made from a theme's vocabulary with these patterns.
TOPIC_PATTERNS = [
    "{place} {term}",
    "{term} in {place}",
    "{Term} and {term}",
    "{place}-{place2} relations",
    "{Term} policy",
]

HEADINGS = [
    "Background",
    "What changed",
    "Why it matters",
    "The road ahead",
    "Policy recommendations",
    "Conclusion",
    "Implications for {place}",
    "The {term} question",
    "{Acronym} and its critics",
    "Lessons from {place}",
    "Between {term} and {term2}",
    "A note on {term}",
]

TITLE_PATTERNS = [
    "{Phrase}: {what} for {place}",
    "Why {place} needs {phrase}",
    "{Acronym} at the crossroads",
    "What the {acronym} debate means for {term}",
    "{Place}, {place2} and the {phrase}",
    "The case for {phrase}",
    "Reading the {place} {term} signals",
    "{Term} after {place}: {what}",
    "Beyond {phrase}: {what}",
    "{Acronym} and the limits of {term}",
]
TITLE_WHATS = [
    "five takeaways",
    "what comes next",
    "an assessment",
    "the unfinished agenda",
    "a reality check",
    "old problems, new answers",
    "risks and opportunities",
    "a primer",
]

GIVEN_NAMES = words("""
Aarav Aditi Akira Alejandro Amara Amit Ananya Anjali Arjun Asha Ayesha Benjamin Chen
Chiara Daniel Deepa Elena Emily Farah Fatima Gaurav Hana Harsh Helena Hiroshi Ines Ishaan
James Jia Julia Kabir Kavya Kenji Kiran Lakshmi Leila Liam Lucas Mahesh Maria Meera
Mohammed Nadia Naveen Neha Nikhil Nomvula Olivia Omar Priya Rahul Rajesh Raman Ravi Rohan
Sakura Samuel Sanjay Sara Shreya Siddharth Sofia Sunita Tanvi Thomas Tomas Uma Varun Vikram
Vivek Wei Yuki Zainab Zoe Abhijit Ananth Bharat Chitra Dhruv Esha Gita Indira Jayant Kamala
Latha Manoj Nalini Pankaj Rekha Sameer Tara Usha Vidya Yash Ngozi Kwame Amina Lars Ingrid
Pierre Camille Matteo Giulia Ahmed Layla Dmitri Olga Pham Linh Bao Minh Ji-woo Seo-yeon
""")

SURNAMES = words("""
Acharya Agarwal Ahmed Banerjee Bhattacharya Bose Chatterjee Chaudhary Das Desai Dutta
Fernandes Ghosh Gupta Iyer Jain Joshi Kapoor Khan Krishnan Kulkarni Kumar Malhotra Mehta
Menon Mishra Mukherjee Nair Narayan Pandey Patel Pillai Rao Reddy Roy Saxena Sen Sharma
Shukla Singh Sinha Srinivasan Subramanian Thakur Trivedi Varma Verma Yadav Anderson Brown
Carter Clarke Davies Evans Fischer Garcia Hall Harris Hughes Jackson Johnson Jones Kim
Lee Lopez Martin Miller Moore Nakamura Nguyen Okafor Park Petrov Roberts Rossi Sato
Schmidt Silva Smith Suzuki Tanaka Taylor Thompson Tran Walker Wang Watanabe White Williams
Wilson Wright Yamamoto Zhang Zhou Li Liu Chen Huang Kowalski Novak Haddad Mensah Osei Dubois
Moreau Bernard Lindqvist Andersen Costa Santos Oliveira Ibrahim Hassan Yilmaz
""")

HONORIFICS = [("", 0.52), ("Dr.", 0.33), ("Prof.", 0.09), ("Amb.", 0.03), ("Gen.", 0.03)]

ROLES = [
    "Research Fellow",
    "Senior Fellow",
    "Associate Fellow",
    "Visiting Fellow",
    "Director",
    "Programme Director",
    "Assistant Professor",
    "Associate Professor",
    "Professor",
    "Research Analyst",
    "Consultant",
    "Non-resident Scholar",
]
DEPARTMENTS = [
    "",
    "",
    "",
    "International Relations",
    "Strategic Studies",
    "Economics",
    "Security Studies",
    "Public Policy",
    "Geography",
]

INSTITUTION_PATTERNS = [
    "{city} Institute of {field}",
    "Centre for {field} Studies, {city}",
    "{city} Foundation for {field}",
    "Institute for {field} Research",
    "{city} University, Department of {field}",
    "Council on {field}",
    "{city} Forum for {field}",
]
FIELDS = [
    "Strategic",
    "Defence",
    "Maritime",
    "Policy",
    "Security",
    "International",
    "Asian",
    "Indo-Pacific",
    "Economic",
    "Space",
    "Climate",
    "Public Affairs",
    "Peace and Conflict",
    "Foreign Affairs",
    "Development",
]
CITIES = [
    ("New Delhi", "India"),
    ("Mumbai", "India"),
    ("Bengaluru", "India"),
    ("Kolkata", "India"),
    ("Chennai", "India"),
    ("Pune", "India"),
    ("Washington", "United States"),
    ("New York", "United States"),
    ("Boston", "United States"),
    ("Canberra", "Australia"),
    ("Sydney", "Australia"),
    ("Tokyo", "Japan"),
    ("Singapore", "Singapore"),
    ("London", "United Kingdom"),
    ("Paris", "France"),
    ("Berlin", "Germany"),
    ("Jakarta", "Indonesia"),
    ("Manila", "Philippines"),
    ("Seoul", "South Korea"),
    ("Colombo", "Sri Lanka"),
    ("Dhaka", "Bangladesh"),
    ("Hanoi", "Vietnam"),
]

REGIONS = [
    ("Bangladesh", "BD"),
    ("Sri Lanka", "LK"),
    ("Nepal", "NP"),
    ("Indonesia", "ID"),
    ("Vietnam", "VN"),
    ("Singapore", "SG"),
    ("South Korea", "KR"),
    ("Taiwan", "TW"),
    ("Russia", "RU"),
    ("France", "FR"),
    ("Germany", "DE"),
    ("United Kingdom", "GB"),
    ("Iran", "IR"),
    ("Saudi Arabia", "SA"),
    ("United Arab Emirates", "AE"),
    ("Israel", "IL"),
    ("Maldives", "MV"),
    ("Myanmar", "MM"),
    ("Afghanistan", "AF"),
    ("Malaysia", "MY"),
    ("Thailand", "TH"),
    ("Mauritius", "MU"),
    ("Seychelles", "SC"),
    ("Kenya", "KE"),
    ("South Africa", "ZA"),
    ("Brazil", "BR"),
    ("Canada", "CA"),
    ("New Zealand", "NZ"),
    ("Fiji", "FJ"),
    ("South Asia", ""),
    ("Southeast Asia", ""),
    ("Indian Ocean", ""),
    ("Middle East", ""),
    ("Europe", ""),
    ("Africa", ""),
    ("Pacific Islands", ""),
    ("Central Asia", ""),
]

SERIES_PATTERNS = [
    "{Theme} Monitor",
    "{Theme} Notes",
    "{Theme} Briefs",
    "The {Theme} Papers",
    "{Theme} Dialogues",
    "{Theme} Year in Review",
]

# Syllables for invented proper nouns (minor places, ships, projects): the rare words.
SYLLABLES = words("""
ka ro va li ne ta su mi do ra ben tor vel kas mar lin dor sa qu ez an or ul ith
""")
NAME_ENDINGS = ["pur", "abad", "gard", "ville", "holm", "dara", "nesia", "stan", "wick", "ora"]
