"""The billing details a tenant keeps on its subscription, checked: the billing profile (trimmed and normalised)
and the payment method (provider references only, never a card number)."""

from __future__ import annotations

import re
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from services.billing.domain.money import MAX_TAX_RATE_BASIS_POINTS
from services.billing.domain.payments import METHOD_INVOICE, METHOD_KINDS, METHOD_TEST, PaymentMethod
from services.billing.domain.subscription import BillingProfile
from services.common.errors import Violations

COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
VAT_ID = re.compile(r"^[A-Z0-9]{2,32}$")
CARD_NUMBER = re.compile(r"\d{12,}")
PROVIDER_TOKEN = re.compile(r"^tok_[A-Za-z0-9_]{1,60}$")
BRAND = re.compile(r"^[a-z][a-z ]{0,19}$")
LAST4 = re.compile(r"^\d{4}$")


def validate_profile(profile: BillingProfile) -> BillingProfile:
    """The profile, trimmed and normalised, or InvalidArgument naming every bad field."""
    violations = Violations()
    legal_name = profile.legal_name.strip()
    address = profile.address.strip()
    country = profile.country.strip().upper()
    vat_id = re.sub(r"[\s.-]", "", profile.vat_id).upper()
    email = profile.billing_email.strip()
    if len(legal_name) > 200:
        violations.add("billing_profile.legal_name", "At most 200 characters.")
    if len(address) > 1000:
        violations.add("billing_profile.address", "At most 1000 characters.")
    if country and not COUNTRY_CODE.match(country):
        violations.add("billing_profile.country", "An ISO 3166-1 alpha-2 code, like DE.")
    if vat_id and not VAT_ID.match(vat_id):
        violations.add("billing_profile.vat_id", "Letters and digits only, 2 to 32 of them.")
    if not 0 <= profile.tax_rate_basis_points <= MAX_TAX_RATE_BASIS_POINTS:
        violations.add("billing_profile.tax_rate_basis_points", "Between 0 and 10000 (100 %).")
    if email:
        try:
            email = validate_email(email, check_deliverability=False, test_environment=True).normalized.lower()
        except EmailNotValidError:
            violations.add("billing_profile.billing_email", "Not a valid email address.")
        if len(email) > 254:
            violations.add("billing_profile.billing_email", "At most 254 characters.")
    violations.raise_if_any()
    return BillingProfile(legal_name, address, country, vat_id, profile.tax_rate_basis_points, email)


def validate_payment_method(method: PaymentMethod, today: datetime) -> PaymentMethod:
    """The method as stored: provider references only. A card is the provider's token with its brand, last 4
    digits and expiry; anything that looks like a card number is refused wherever it is put."""
    violations = Violations()
    label, reference, brand = method.label.strip(), method.reference.strip(), method.brand.strip().lower()
    for field, value in (("label", label), ("reference", reference), ("brand", brand)):
        if CARD_NUMBER.search(re.sub(r"[\s-]", "", value)):
            violations.add(f"payment_method.{field}", "Never a card number: send the provider's token.")
    if method.kind not in METHOD_KINDS:
        violations.add("payment_method.kind", f"One of {', '.join(METHOD_KINDS)}.")
    if len(label) > 64:
        violations.add("payment_method.label", "At most 64 characters.")
    if method.kind == METHOD_TEST:
        if not PROVIDER_TOKEN.match(reference):
            violations.add("payment_method.reference", "The provider's card token, like tok_visa (tok_..._fail fails).")
        if not BRAND.match(brand):
            violations.add("payment_method.brand", "The card's brand, like visa, in letters.")
        if not LAST4.match(method.last4):
            violations.add("payment_method.last4", "The last 4 digits of the card.")
        if not 1 <= method.expiry_month <= 12:
            violations.add("payment_method.expiry_month", "1 to 12.")
        elif (method.expiry_year, method.expiry_month) < (today.year, today.month) or method.expiry_year > 2100:
            violations.add("payment_method.expiry_year", "The card has expired.")
    violations.raise_if_any()
    if method.kind == METHOD_TEST:
        return PaymentMethod(METHOD_TEST, "", reference, brand, method.last4, method.expiry_month, method.expiry_year)
    return PaymentMethod(method.kind, label if method.kind == METHOD_INVOICE else "")
