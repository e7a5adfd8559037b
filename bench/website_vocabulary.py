"""What the real-shaped workload's website traffic (`bench.website_traffic`) is made of: where
leads come from and their campaigns, the site's pages and forms, and the names, job titles and
countries people type into those forms.
"""

from typing import Final

# (lead source, utm_source, utm_medium, share of new leads): how B2B sites see their traffic.
SOURCES: Final = (
    ("Organic Search", "google", "organic", 30.0),
    ("Paid Search", "google", "cpc", 20.0),
    ("Direct Traffic", None, None, 14.0),
    ("Social", "linkedin", "social", 10.0),
    ("Email", "newsletter", "email", 9.0),
    ("Referral", "g2", "referral", 7.0),
    ("Webinar", "on24", "event", 5.0),
    ("Partner", "partner", "referral", 3.0),
    ("Live Chat", None, "chat", 2.0),
)
CAMPAIGNS: Final = (
    "2026-q4-brand",
    "2026-q4-product-launch",
    "retargeting-pricing",
    "competitor-keywords",
    "webinar-routing-at-scale",
    "ebook-buyers-guide",
    "newsletter-november",
)
SITE: Final = "https://www.example-saas.com"
LANDING: Final = ("/", "/product", "/blog/lead-routing-101", "/customers", "/integrations")
BROWSING: Final = (
    "/",
    "/product",
    "/product/routing",
    "/product/analytics",
    "/integrations",
    "/customers",
    "/blog/lead-routing-101",
    "/blog/speed-to-lead",
    "/docs/getting-started",
    "/about",
    "/careers",
)
PRICING: Final = ("/pricing", "/pricing/enterprise", "/pricing/compare")
FORMS: Final = (
    ("form_submit", "newsletter-signup", "/newsletter"),
    ("content_download", "buyers-guide-download", "/resources/buyers-guide.pdf"),
    ("webinar_attended", "webinar-registration", "/webinars/routing-at-scale"),
    ("form_submit", "contact-us", "/contact"),
)
HAND_RAISERS: Final = (("demo_request", "/demo"), ("contact_sales", "/contact-sales"))
FIRST_NAMES: Final = ("Ada", "Ben", "Chen", "Dana", "Emeka", "Fatima", "Hiro", "Ines", "Lars",
                      "Mei", "Noah", "Olga", "Priya", "Rafael", "Sara", "Yuki")  # fmt: skip
LAST_NAMES: Final = ("Adams", "Becker", "Costa", "Dubois", "Garcia", "Ito", "Kim", "Kumar", "Meyer",
                     "Nguyen", "Okafor", "Patel", "Rossi", "Silva", "Smith", "Weber")  # fmt: skip
TITLES: Final = ("Marketing Manager", "Head of Sales", "VP Sales", "Director of IT",
                 "Operations Manager", "Software Engineer", "Student", "Consultant",
                 "Chief Revenue Officer", "Data Analyst")  # fmt: skip
BUYER_TITLES: Final = ("VP Sales", "Chief Revenue Officer", "Head of Sales", "Director of IT")
COUNTRIES: Final = ("United States", "United States", "Canada", "United Kingdom", "Germany",
                    "France", "Japan", "Australia", "Brazil", "India")  # fmt: skip
FREE_MAIL: Final = ("gmail.com", "outlook.com", "yahoo.com")
