"""The staff pages' forms (Flask-WTF: each carries its CSRF token). Checks mirror the API's
schemas (trace/api/schemas/) so a form is refused for the same reasons, in the reader's
language; the rules themselves (mass balance, markets, holds) stay in the use cases."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from trace.domain.commodities import COMMODITIES
from trace.domain.markets import CONVEYANCE_MODES, LOCATION_KINDS, PLATE_PATTERN, TREATMENTS
from trace.gs1 import Gln, GS1Error, Gtin, validate_lot

from . import messages
from .clock import INPUT_FORMAT

REQUIRED = _l("Required.")
PLATE = Regexp(PLATE_PATTERN, message=_l("A plate as painted, e.g. 34C-123.45 or 桂F12345."))
MARKET_CODE = Regexp(r"^[A-Z]{2}$", message=_l("A market is a two-letter code such as JP, US, EU."))


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select's options."""
    return [SelectChoice(value, label) for value, label in pairs]


def same(values) -> list[SelectChoice]:
    return [SelectChoice(value, value) for value in values]


def required():
    return DataRequired(message=REQUIRED)


def positive(maximum: float = 1e9):
    return NumberRange(
        min=0.001, max=maximum, message=_l("A number greater than 0 (at most %(max)s).")
    )


def count(maximum: int):
    return NumberRange(min=1, max=maximum, message=_l("A whole number from 1 to %(max)s."))


def text(maximum: int):
    return Length(max=maximum, message=_l("At most %(max)d characters."))


def lot_code(_form, field):
    if field.data:
        try:
            field.data = validate_lot(field.data.strip())
        except GS1Error:
            raise ValidationError(
                _l("1 to 20 letters, digits or -./_ (GS1 lot characters).")
            ) from None


def gs1(parser):
    def check(_form, field):
        if field.data:
            try:
                field.data = str(parser(field.data.strip()))
            except GS1Error as error:
                raise ValidationError(messages.translate(error)[0]) from None

    return check


class Form(FlaskForm):
    """A staff form. Its CSRF token is checked before any view runs, for every POST of the
    staff pages (render.py), so the forms do not check it a second time."""

    class Meta:
        csrf = False


class Once(Form):
    """A form that records something: its one-time token makes a second tap harmless."""

    once = HiddenField()


def when(label):
    return DateTimeLocalField(label, format=INPUT_FORMAT, validators=[InputRequired(REQUIRED)])


class LoginForm(Form):
    username = StringField(_l("User name"), validators=[required(), text(64)])
    password = PasswordField(_l("Password"), validators=[required(), text(200)])


class EmptyForm(Form):
    """Only the CSRF token: log out, choose the packing house."""


class ReceiveForm(Once):
    scan = StringField(_l("Scan or type the growing-area code, or a harvest lot code"))
    lot = HiddenField()  # an existing harvest lot being received (scanned)
    orchard_id = SelectField(_l("Orchard"), coerce=int, validators=[Optional()])
    commodity = StringField(_l("Commodity"), validators=[Optional(), text(64)])
    variety = StringField(_l("Variety"), validators=[Optional(), text(64)])
    harvested = FloatField(_l("Harvested (kg)"), validators=[Optional(), positive()])
    quantity = FloatField(_l("Received here (kg)"), validators=[Optional(), positive()])
    harvested_on = DateField(_l("Harvest day"), validators=[Optional()])
    received_at = when(_l("Received at"))
    crew = StringField(_l("Crew or cooperative (optional)"), validators=[Optional(), text(200)])


class TreatForm(Once):
    scan = StringField(_l("Scan or type the lot code"))
    lot = SelectField(_l("Lot"), validators=[required()])
    facility_id = SelectField(_l("Treatment facility"), coerce=int, validators=[required()])
    method = SelectField(_l("Method"), choices=same(TREATMENTS), validators=[required()])
    batch_no = StringField(_l("Batch number"), validators=[Optional(), text(64)])
    certificate_no = StringField(_l("Certificate number"), validators=[Optional(), text(64)])
    treated_at = when(_l("Treated at"))
    agent = StringField(_l("Agent (e.g. methyl bromide)"), validators=[Optional(), text(64)])
    dose_g_m3 = FloatField(_l("Dose (g/m³)"), validators=[Optional(), positive(1e6)])
    temperature_c = FloatField(_l("Temperature (°C)"), validators=[Optional()])
    duration_h = FloatField(_l("Duration (hours)"), validators=[Optional(), positive(1e4)])


class CoolForm(Once):
    scan = StringField(_l("Scan or type the lot code"))
    lot = SelectField(_l("Lot"), validators=[required()])
    location_id = SelectField(
        _l("Where (cold store or packing house)"), coerce=int, validators=[required()]
    )
    cooled_at = when(_l("Cooled at"))
    temperature_c = FloatField(
        _l("Temperature (°C)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(-40, 60, message=_l("Between -40 and 60 °C.")),
        ],
    )
    duration_h = FloatField(_l("Duration (hours)"), validators=[Optional(), positive(24 * 60)])


class WashForm(Once):
    scan = StringField(_l("Scan or type the lot code"))
    lot = SelectField(_l("Lot"), validators=[required()])
    location_id = SelectField(_l("Packing house"), coerce=int, validators=[required()])
    washed_at = when(_l("Washed at"))
    method = SelectField(
        _l("How"),
        choices=[
            SelectChoice("brush", _l("Brush washer")),
            SelectChoice("water", _l("Water")),
            SelectChoice("chlorinated_water", _l("Chlorinated water")),
        ],
        validators=[required()],
    )


# Every size class of the vocabulary, smallest first, as the grading form's fields size_<class>.
SIZE_CLASSES = tuple(dict.fromkeys(s for c in COMMODITIES.values() for s in c.size_classes))


class GradeForm(Once):
    scan = StringField(_l("Scan or type the lot code"))
    lot = SelectField(_l("Lot"), validators=[required()])
    location_id = SelectField(_l("Packing house"), coerce=int, validators=[required()])
    graded_at = when(_l("Graded at"))
    culls = FloatField(_l("Culls (kg)"), validators=[Optional(), NumberRange(min=0, max=1e9)])

    def grades(self) -> list[dict]:
        """The kilograms typed per size class, as the use case takes them."""
        typed = ((size, self[f"size_{size}"].data) for size in SIZE_CLASSES)
        return [{"size_class": size, "quantity": kg} for size, kg in typed if kg]


for _size in SIZE_CLASSES:
    setattr(
        GradeForm,
        f"size_{_size}",
        FloatField(_l("Size %(size)s (kg)", size=_size), validators=[Optional(), positive()]),
    )


class StoreForm(Once):
    scan = StringField(_l("Scan or type the lot code"))
    lot = SelectField(_l("Lot"), validators=[required()])
    location_id = SelectField(
        _l("Where (cold store or packing house)"), coerce=int, validators=[required()]
    )
    stored_at = when(_l("Into cold storage at"))
    temperature_c = FloatField(
        _l("Temperature (°C)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(-5, 15, message=_l("Between -5 and 15 °C.")),
        ],
    )
    humidity_pct = FloatField(
        _l("Relative humidity (%)"), validators=[Optional(), NumberRange(0, 100)]
    )
    days = FloatField(_l("Days"), validators=[Optional(), NumberRange(0, 365)])


class InspectForm(Once):
    scan = StringField(_l("Scan or type the lot code"))
    lot = SelectField(_l("Lot"), validators=[required()])
    result = SelectField(
        _l("Result"),
        choices=[
            SelectChoice("pass", _l("Passed")),
            SelectChoice("fail", _l("Failed: hold the lot")),
        ],
        validators=[required()],
    )
    kind = StringField(_l("Kind of inspection"), validators=[Optional(), text(64)])
    inspected_at = when(_l("Inspected at"))
    notes = StringField(
        _l("Notes (never shown to the public)"), validators=[Optional(), text(2000)]
    )


class CorrectForm(Once):
    reason = StringField(
        _l("Why (what was wrong)"), validators=[InputRequired(REQUIRED), text(2000)]
    )


class PackForm(Once):
    scan = StringField(_l("Scan or type a lot code to use it"))
    product_gtin = SelectField(_l("Product"), validators=[required()])
    cartons = IntegerField(_l("Cartons"), validators=[InputRequired(REQUIRED), count(1_000_000)])
    packed_on = DateField(_l("Pack day"), validators=[InputRequired(REQUIRED)])
    lot_code = StringField(
        _l("Lot code (empty: a new one is given)"), validators=[Optional(), lot_code]
    )


class LabelForm(Once):
    scan = StringField(_l("Scan or type a lot code or a pallet's SSCC"))
    kind = SelectField(_l("Kind"), validators=[required()])
    lot = StringField(_l("Lot"), validators=[Optional(), lot_code])
    sscc = StringField(_l("Pallet SSCC"), validators=[Optional(), text(40)])
    count = IntegerField(_l("How many"), validators=[InputRequired(REQUIRED), count(20_000)])
    size = SelectField(_l("Size"), validators=[required()])
    format = SelectField(_l("Printer"), validators=[required()])
    market = SelectField(_l("Market"), validators=[Optional()])


class PalletForm(Once):
    scan = StringField(_l("Scan a carton (or type a lot code)"))
    palletised_at = when(_l("Palletised at"))


class ShipmentForm(Once):
    scan = StringField(_l("Scan a pallet's SSCC"))
    market = SelectField(_l("Market"), validators=[required(), MARKET_CODE])
    exporter_id = SelectField(_l("Exporter"), coerce=int, validators=[required()])
    consignee_id = SelectField(_l("Consignee (importer)"), coerce=int, validators=[required()])
    container_no = StringField(
        _l("Container number"),
        validators=[
            Optional(),
            Regexp(r"^[A-Z]{4}\d{7}$", message=_l("ISO 6346: 4 letters and 7 digits.")),
        ],
    )
    seal_no = StringField(_l("Seal number"), validators=[Optional(), text(32)])
    bill_of_lading = StringField(_l("Bill of lading"), validators=[Optional(), text(64)])
    phyto_certificate_no = StringField(
        _l("Phytosanitary certificate"), validators=[Optional(), text(64)]
    )
    loaded_at = when(_l("Loaded at"))
    conveyance = SelectField(_l("By"), choices=same(CONVEYANCE_MODES), default="sea")  # words: view
    truck_plate = StringField(_l("Truck plate (by road)"), validators=[Optional(), PLATE])
    trailer_plate = StringField(_l("Trailer plate (by road)"), validators=[Optional(), PLATE])
    border_gate = SelectField(_l("Border gate (by road)"), validators=[Optional()])


class CrossForm(Once):
    crossed_at = when(_l("Crossed the border at"))


class DepartForm(Once):
    departed_at = when(_l("Departed at"))
    port_id = SelectField(_l("Port (optional)"), coerce=int, validators=[Optional()])


class ArriveForm(Once):
    arrived_at = when(_l("Arrived at"))
    condition = StringField(_l("Condition on arrival"), validators=[Optional(), text(500)])


# --- admin ----------------------------------------------------------------------------------------


# As the API checks it (trace/api/schemas/masterdata.py, Phone).
PHONE = r"^\+?\(?[0-9][0-9 ()./-]{3,29}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LocationForm(Once):
    kind = SelectField(_l("Kind"), choices=same(LOCATION_KINDS))
    name = StringField(_l("Name"), validators=[required(), text(200)])
    gln = StringField(_l("GLN (optional)"), validators=[Optional(), gs1(Gln.parse)])
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Regexp(PHONE, message=_l("A phone number, e.g. +84 220 3850 123.")),
        ],
    )
    street = StringField(_l("Street"), validators=[Optional(), text(200)])
    commune = StringField(_l("Commune"), validators=[Optional(), text(100)])
    district = StringField(_l("District"), validators=[Optional(), text(100)])
    city = StringField(_l("City"), validators=[Optional(), text(100)])
    province = StringField(_l("Province"), validators=[Optional(), text(100)])
    region = StringField(_l("Region or state"), validators=[Optional(), text(100)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), text(16)])
    country = StringField(
        _l("Country"),
        default="VN",
        validators=[Optional(), Regexp(r"^[A-Z]{2}$", message=_l("ISO 3166 code, e.g. VN."))],
    )
    methods = SelectMultipleField(_l("Treatment methods (facilities)"), choices=same(TREATMENTS))
    # An exporter's consumer contact: on its cartons' public pages and labels.
    contact_name = StringField(_l("Consumer contact: name"), validators=[Optional(), text(200)])
    contact_phone = StringField(
        _l("Consumer contact: phone"),
        validators=[
            Optional(),
            Regexp(PHONE, message=_l("A phone number, e.g. +84 220 3850 123.")),
        ],
    )
    contact_email = StringField(
        _l("Consumer contact: e-mail"),
        validators=[
            Optional(),
            text(254),
            Regexp(EMAIL, message=_l("An e-mail address, e.g. care@example.com.")),
        ],
    )
    contact_website = StringField(
        _l("Consumer contact: web site"),
        validators=[
            Optional(),
            text(300),
            URL(message=_l("A web address starting with https://.")),
            Regexp(r"^https?://", message=_l("A web address starting with https://.")),
        ],
    )


class CodeForm(Once):
    scheme = SelectField(_l("Scheme"), choices=same(("PUC", "PHC", "TFC")))
    value = StringField(_l("Code"), validators=[required(), text(64)])
    market = StringField(_l("Market"), validators=[required(), MARKET_CODE])
    issuer = StringField(_l("Issuer"), validators=[Optional(), text(200)])
    season = StringField(_l("Season"), validators=[Optional(), text(16)])


class CodeStatusForm(Once):
    code_id = HiddenField(validators=[required()])
    status = HiddenField(validators=[required()])


class ProductForm(Once):
    gtin = StringField(_l("GTIN (optional)"), validators=[Optional(), gs1(Gtin.parse)])
    name_vi = StringField(_l("Name in Vietnamese"), validators=[Optional(), text(200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), text(200)])
    name_ja = StringField(_l("Name in Japanese"), validators=[Optional(), text(200)])
    commodity = StringField(_l("Commodity"), validators=[required(), text(64)])
    variety = StringField(_l("Variety"), validators=[Optional(), text(64)])
    net_weight_kg = FloatField(
        _l("Net weight per carton (kg)"), validators=[Optional(), positive()]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.name_vi.data or self.name_en.data or self.name_ja.data):
            self.name_vi.errors = [
                *self.name_vi.errors,
                _l("Give the name in at least one language."),
            ]
            return False
        return valid


class UserForm(Once):
    name = StringField(_l("User name"), validators=[required(), text(64)])
    role = SelectField(_l("Role"), choices=same(("worker", "inspector", "admin")))
    location_id = SelectField(_l("Packing house"), coerce=int, validators=[Optional()])
    password = PasswordField(_l("Password (at least 8 characters)"), validators=[required()])


class PasswordForm(Once):
    password = PasswordField(_l("New password (empty: no web login)"), validators=[Optional()])


class RevokeForm(Once):
    token_id = HiddenField(validators=[required()])


class SecondFactorForm(Form):
    """The second factor: a code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code from your app (or a recovery code)"), validators=[required(), text(32)]
    )


class ChangePasswordForm(Once):
    old_password = PasswordField(_l("Current password"), validators=[required(), text(200)])
    password = PasswordField(_l("New password"), validators=[required(), text(200)])
    repeat = PasswordField(_l("New password again"), validators=[required(), text(200)])

    def validate_repeat(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("The two new passwords differ."))
