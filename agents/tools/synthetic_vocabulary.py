"""What the synthetic feed (`agents.tools.synthetic`) draws its leads, companies and activities
from: names, job titles, countries and industries as people type them into forms, the marketing
systems that publish leads, their campaigns and links, and how often each kind of engagement
happens. `agents.tools.synthetic_accounts` names its accounts from the same words.
"""

from typing import Final

# Engagement as a marketing automation system sees it: opens and clicks dominate, hand-raisers
# (demo requests, contact sales) are rare. Unsubscribes happen.
ACTIVITY_WEIGHTS: Final = (
    ("email_open", 30.0),
    ("email_click", 16.0),
    ("pricing_page_view", 12.0),
    ("content_download", 10.0),
    ("form_submit", 7.0),
    ("webinar_attended", 6.0),
    ("trial_signup", 1.5),
    ("demo_request", 1.0),
    ("contact_sales", 0.7),
    ("unsubscribe", 1.0),
)
# What created a lead: a form of some kind, or an import without any activity.
CREATION_WEIGHTS: Final = (
    ("form_submit", 35.0),
    ("content_download", 25.0),
    ("webinar_attended", 10.0),
    ("trial_signup", 3.0),
    ("demo_request", 1.5),
    ("contact_sales", 1.0),
    (None, 19.0),
)
SENIORITY_TITLES: Final = (
    (
        7.0,
        (
            "CEO",
            "Chief Marketing Officer",
            "Chief Financial Officer",
            "CTO",
            "Founder",
            "Managing Director",
            "Chief Revenue Officer",
            "Owner",
        ),
    ),
    (
        10.0,
        (
            "VP Sales",
            "Vice President, Marketing",
            "SVP Engineering",
            "VP of Operations",
            "EVP Finance",
            "VP, Information Technology",
        ),
    ),
    (
        18.0,
        (
            "Director of IT",
            "Head of Procurement",
            "Marketing Director",
            "Senior Director, Operations",
            "Head of Sales",
            "Director, Finance",
            "General Manager",
        ),
    ),
    (
        25.0,
        (
            "Marketing Manager",
            "IT Manager",
            "Sales Team Lead",
            "Operations Manager",
            "Finance Manager",
            "Procurement Manager",
            "Engineering Manager",
        ),
    ),
    (
        35.0,
        (
            "Software Engineer",
            "Data Analyst",
            "Account Executive",
            "Marketing Specialist",
            "Procurement Specialist",
            "Financial Analyst",
            "HR Business Partner",
            "Consultant",
            "Student",
        ),
    ),
    (5.0, ("N/A", "Select", "")),
)
# Countries as people type them, grouped by territory (NA, EMEA, APAC, LATAM, unknown).
COUNTRIES: Final = (
    (40.0, ("United States", "USA", "US", "Canada")),
    (32.0, ("United Kingdom", "UK", "Germany", "France", "Netherlands", "Spain", "Sweden")),
    (16.0, ("Japan", "Australia", "Singapore", "India", "South Korea")),
    (8.0, ("Brazil", "Mexico", "Argentina", "Chile", "Colombia")),
    (4.0, ("", "Earth", "N/A")),
)
REGIONS: Final = {
    "United States": ("CA", "NY", "TX", "WA", "MA", "IL"),
    "USA": ("CA", "NY", "FL", "GA"),
    "US": ("CA", "CO", "NJ"),
    "Canada": ("ON", "BC", "QC"),
    "Germany": ("Bayern", "Berlin", "Hessen"),
    "Australia": ("NSW", "VIC"),
    "Brazil": ("SP", "RJ"),
}
# Industries as forms collect them, across the verticals enrichment knows (and some it does not).
INDUSTRIES: Final = (
    "Pharmaceuticals",
    "Biotechnology",
    "Medical Devices",
    "Banking",
    "Insurance",
    "Financial Services",
    "Capital Markets",
    "Management Consulting",
    "Automotive",
    "Retail",
    "Consumer Goods",
    "Food & Beverages",
    "Apparel & Fashion",
    "Marketing and Advertising",
    "Leisure, Travel & Tourism",
    "Hospitality",
    "Entertainment",
    "Media Production",
    "Wholesale",
    "Computer Software",
    "Information Technology and Services",
    "Manufacturing",
    "Logistics and Supply Chain",
    "Telecommunications",
    "Education",
    "Real Estate",
)
FREE_MAIL: Final = (
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "gmx.de",
    "yahoo.co.uk",
    "orange.fr",
    "web.de",
)
FIRST_NAMES: Final = (
    "Ada", "Aisha", "Alejandro", "Amara", "Anna", "Arjun", "Ben", "Carla", "Chen", "Chloe",
    "Daniel", "David", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hannah", "Hiro",
    "Ines", "Ivan", "James", "Jana", "Javier", "Julia", "Kenji", "Lars", "Laura", "Lea",
    "Lucas", "Maria", "Mateo", "Mei", "Mohammed", "Nadia", "Noah", "Olga", "Omar", "Paula",
    "Pedro", "Priya", "Rafael", "Rosa", "Sami", "Sara", "Sofia", "Thomas", "Yuki", "Zoe",
)  # fmt: skip
LAST_NAMES: Final = (
    "Adams", "Alvarez", "Becker", "Bianchi", "Brown", "Chen", "Costa", "Dubois", "Eriksson",
    "Fischer", "Garcia", "Gonzalez", "Hansen", "Ito", "Jansen", "Kim", "Kowalski", "Kumar",
    "Larsen", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Muller", "Nakamura", "Nguyen",
    "Novak", "Okafor", "Olsen", "Patel", "Perez", "Rossi", "Santos", "Sato", "Schmidt", "Silva",
    "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Wagner", "Walker", "Wang", "Weber",
    "Williams", "Wilson", "Yamamoto", "Zhang",
)  # fmt: skip
NAME_STEMS: Final = (
    "Blue", "Bright", "Cedar", "Clear", "Copper", "Crest", "Delta", "Ever", "Falcon", "Fern",
    "Granite", "Harbor", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian", "Nimbus",
    "North", "Oak", "Orbit", "Pine", "Quartz", "Red", "River", "Silver", "Solar", "Stone",
    "Summit", "Terra", "Tidal", "Union", "Vertex", "West", "Willow",
)  # fmt: skip
NAME_ENDINGS: Final = (
    "wave", "field", "point", "bridge", "gate", "line", "works", "stack", "leaf", "peak",
    "side", "view", "ridge", "port", "light", "mark",
)  # fmt: skip
NAME_SUFFIXES: Final = (
    "Analytics", "Labs", "Systems", "Group", "Partners", "Health", "Logistics", "Foods",
    "Capital", "Software", "Industries", "Retail", "Media", "Consulting", "Bio", "Motors",
)  # fmt: skip
LEGAL_FORMS: Final = ("", "", "Inc.", "LLC", "Ltd", "GmbH", "S.A.", "Corp.")
TLDS: Final = (".com", ".com", ".com", ".io", ".net", ".co.uk", ".de", ".fr")
SOURCES: Final = (
    ("marketo", "mkto", 40.0),
    ("hubspot", "hs", 30.0),
    ("webform", "web", 20.0),
    ("linkedin-ads", "li", 10.0),
)
CAMPAIGNS: Final = (
    "2026-q4-webinar-series",
    "2026-q4-product-launch",
    "nurture-welcome",
    "nurture-enterprise",
    "retargeting-pricing",
    "event-summit-2026",
    "ebook-buyers-guide",
    "newsletter-november",
    "trial-onboarding",
    "partner-cobrand",
)
UTM_SOURCES: Final = ("google", "linkedin", "newsletter", "bing", "partner", "direct", "g2")
UTM_MEDIUMS: Final = ("cpc", "email", "social", "organic", "referral", "display")
USER_AGENTS: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
)
SITE: Final = "https://www.example-saas.com"
PAGES: Final = {
    "pricing_page_view": ("/pricing", "/pricing/enterprise", "/pricing/compare"),
    "content_download": ("/resources/buyers-guide.pdf", "/resources/roi-calculator.xlsx"),
    "webinar_attended": ("/webinars/pipeline-velocity", "/webinars/routing-at-scale"),
    "form_submit": ("/contact", "/newsletter", "/events/summit-2026"),
    "trial_signup": ("/trial", "/signup"),
    "demo_request": ("/demo",),
    "contact_sales": ("/contact-sales",),
}
INTERESTS: Final = ("Lead Routing", "Analytics", "Integrations", "Enterprise Plan", "API")
