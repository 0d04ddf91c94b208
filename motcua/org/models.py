"""Administrative units (levels as data), agencies, officials, positions and roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def valid_period_check(name: str) -> models.CheckConstraint:
    """A validity period never ends before it starts (an open end is allowed)."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name=name
    )


class UnitLevel(models.Model):
    """A tier of local government: province, district, commune, or one defined later."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 for the highest tier; lower tiers have larger ranks")
    )

    class Meta:
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class AdministrativeUnit(models.Model):
    """Đơn vị hành chính: a node of the tree of units, valid for a period."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="units", verbose_name=_("level")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # Materialised path of ids ("/1/4/9/"), so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("valid from"), default=date(1900, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successors"),
    )
    calendar = models.ForeignKey(
        "workcalendar.WorkCalendar",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("working calendar"),
        help_text=_("Empty: the parent unit's calendar, or the national one"),
    )

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [valid_period_check("unit_valid_period")]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class AgencyKind(models.TextChoices):
    PEOPLE_COMMITTEE = "people_committee", _("People's Committee")
    DIVISION = "division", _("Division")
    ONE_STOP = "one_stop", _("One-stop department")
    COMMITTEE = "committee", _("Committee")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """Cơ quan: the People's Committee of a unit, its divisions, one-stop shop, committees."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("administrative unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
        help_text=_("A Working Group under its Steering Committee, a division under the UBND"),
    )
    valid_from = models.DateField(_("valid from"), default=date(1900, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["unit__path", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class Official(AbstractUser):
    """Cán bộ, công chức: a person who signs in. Superusers are administrators everywhere."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Position(models.Model):
    """A post an official held in an agency, over a period."""

    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="positions", verbose_name=_("official")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="positions", verbose_name=_("agency")
    )
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["-valid_from"]
        constraints = [valid_period_check("position_valid_period")]

    def __str__(self) -> str:
        return f"{self.title}, {self.agency}"


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer")
    HANDLING_OFFICIAL = "handling_official", _("Handling official")
    UNIT_HEAD = "unit_head", _("Unit head")
    CHAIRMAN = "chairman", _("Chairman")
    INSPECTOR = "inspector", _("Inspector")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    AP_CONTROL_CONTACT = "ap_control_contact", _("AP-control contact officer")
    REFORM_ADVISOR = "reform_advisor", _("CCHC advisor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles whose jurisdiction is the whole unit (and its sub-units) of the agency they are
# granted in, not just that agency: the chairman directs every agency of the unit, an
# inspector or advisor looks across them, an administrator keeps their master data.
UNIT_WIDE_ROLES = frozenset(
    {
        Role.CHAIRMAN,
        Role.INSPECTOR,
        Role.REFORM_ADVISOR,
        Role.AP_CONTROL_CONTACT,
        Role.ADMINISTRATOR,
    }
)


class RoleGrant(models.Model):
    """A role of an official in an agency; it gives the official jurisdiction there."""

    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("official")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    valid_from = models.DateField(_("from"), default=date(1900, 1, 1))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["official", "agency", "role", "valid_from"], name="role_grant_unique"
            ),
            valid_period_check("role_grant_valid_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.agency}"


class CommitteeRole(models.TextChoices):
    HEAD = "head", _("Head")
    DEPUTY = "deputy", _("Deputy head")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class CommitteeMembership(models.Model):
    """A member of a committee (Ban Chỉ đạo CCHC, Tổ giúp việc) with their role in it."""

    committee = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": AgencyKind.COMMITTEE},
        verbose_name=_("committee"),
    )
    official = models.ForeignKey(
        Official,
        on_delete=models.CASCADE,
        related_name="committee_memberships",
        verbose_name=_("official"),
    )
    role = models.CharField(_("committee role"), max_length=20, choices=CommitteeRole.choices)
    title = models.CharField(
        _("title in the committee"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Secretary of the district Party Committee"),
    )
    valid_from = models.DateField(_("from"), default=date(1900, 1, 1))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "official", "valid_from"], name="committee_member_unique"
            ),
            # one head at a time, enforced by the database
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(role="head", valid_to__isnull=True),
                name="committee_one_current_head",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} ({self.get_role_display()}), {self.committee}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token of {self.official_id} until {self.expires_at:%Y-%m-%d %H:%M}"
