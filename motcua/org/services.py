"""Writes to the organisation. Each service is one transaction and validates its input;
authorisation is decided by the caller (API router or view) through ``selectors``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, DomainError, ValidationFailed
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    ApiToken,
    CommitteeMembership,
    CommitteeRole,
    Official,
    Position,
    Role,
    RoleGrant,
    UnitLevel,
)


def _require(fields: dict[str, str]) -> None:
    missing = {
        name: [_("This field is required.")] for name, value in fields.items() if not value.strip()
    }
    if missing:
        raise ValidationFailed("org.invalid", _("Required fields are missing."), fields=missing)


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    level: UnitLevel,
    parent: AdministrativeUnit | None,
    valid_from: date | None = None,
) -> AdministrativeUnit:
    """Create a unit under ``parent``; its level must be below the parent's."""
    _require({"code": code, "name": name})
    # strip first, so that " 427" is caught by the duplicate check below (409 with fields)
    code, name = code.strip(), name.strip()
    if parent is not None and level.rank <= parent.level.rank:
        raise ValidationFailed(
            "org.bad_level",
            _("A unit must be at a lower level than its parent."),
            fields={"level": [_("Must be below the parent's level.")]},
        )
    if AdministrativeUnit.objects.filter(code=code).exists():
        raise Conflict(
            "org.duplicate_code",
            _("A unit with code %(code)s already exists.") % {"code": code},
            fields={"code": [_("Already used.")]},
        )
    try:
        with transaction.atomic():
            unit = AdministrativeUnit.objects.create(
                code=code.strip(),
                name=name.strip(),
                level=level,
                parent=parent,
                valid_from=valid_from or timezone.localdate(),
            )
    except IntegrityError:
        raise Conflict("org.duplicate_code", _("That code is already used.")) from None
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_dissolve(
    *, unit: AdministrativeUnit, valid_to: date, successors: Sequence[AdministrativeUnit]
) -> AdministrativeUnit:
    """End a unit's validity and name its successor(s); its history stays as it was."""
    if valid_to < unit.valid_from:
        raise ValidationFailed(
            "org.bad_period",
            _("A unit cannot end before it starts."),
            fields={"valid_to": [_("Before the start of validity.")]},
        )
    if any(s.pk == unit.pk for s in successors):
        raise ValidationFailed("org.bad_successor", _("A unit cannot succeed itself."))
    unit.valid_to = valid_to
    unit.save(update_fields=["valid_to"])
    unit.successors.add(*successors)
    return unit


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    unit: AdministrativeUnit,
    kind: str,
    parent: Agency | None = None,
) -> Agency:
    _require({"code": code, "name": name})
    code, name = code.strip(), name.strip()
    if kind not in AgencyKind.values:
        raise ValidationFailed(
            "org.bad_kind",
            _("Unknown agency kind."),
            fields={
                "kind": [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(AgencyKind.values)}]
            },
        )
    if parent is not None and parent.unit_id != unit.pk:
        # A sub-agency (Working Group, division) sits in its parent's unit; a parent from
        # another unit would also let a unit's administrator attach agencies to a unit
        # they do not administer.
        raise ValidationFailed(
            "org.bad_parent",
            _("The parent agency belongs to another unit."),
            fields={"parent": [_("Must belong to the same unit.")]},
        )
    if Agency.objects.filter(code=code).exists():
        raise Conflict(
            "org.duplicate_code",
            _("An agency with code %(code)s already exists.") % {"code": code},
            fields={"code": [_("Already used.")]},
        )
    try:
        with transaction.atomic():
            return Agency.objects.create(
                code=code.strip(), name=name.strip(), unit=unit, kind=kind, parent=parent
            )
    except IntegrityError:
        raise Conflict("org.duplicate_code", _("That code is already used.")) from None


@dataclass(frozen=True)
class RoleSpec:
    agency: Agency
    role: str


@transaction.atomic
def official_create(
    *,
    username: str,
    full_name: str,
    password: str,
    roles: Sequence[RoleSpec] = (),
    email: str = "",
    check_password: bool = True,
    password_hash: str | None = None,
) -> Official:
    """Create an official with their roles. The password is checked by Django's validators.

    ``password_hash`` (from ``make_password``) lets a bulk loader hash a shared password
    once instead of once per official.
    """
    _require({"username": username, "full_name": full_name, "password": password})
    bad_roles = [r.role for r in roles if r.role not in Role.values]
    if bad_roles:
        raise ValidationFailed(
            "org.bad_role",
            _("Unknown role."),
            fields={"roles": [_("Unknown role: %(role)s") % {"role": r} for r in bad_roles]},
        )
    if check_password:
        try:
            validate_password(password, Official(username=username))
        except DjangoValidationError as exc:
            raise ValidationFailed(
                "org.weak_password",
                _("The password is too weak."),
                fields={"password": exc.messages},
            ) from None
    if Official.objects.filter(username=username).exists():
        raise Conflict(
            "org.duplicate_username",
            _("The username %(username)s is taken.") % {"username": username},
            fields={"username": [_("Already used.")]},
        )
    try:
        with transaction.atomic():
            official = Official.objects.create_user(
                username=username.strip(),
                password=None if password_hash else password,
                email=email,
                full_name=full_name.strip(),
            )
            if password_hash:
                official.password = password_hash
                official.save(update_fields=["password"])
    except IntegrityError:
        raise Conflict("org.duplicate_username", _("That username is taken.")) from None
    for spec in roles:
        role_grant(official=official, agency=spec.agency, role=spec.role)
    return official


@transaction.atomic
def role_grant(
    *, official: Official, agency: Agency, role: str, valid_from: date | None = None
) -> RoleGrant:
    if role not in Role.values:
        raise ValidationFailed("org.bad_role", _("Unknown role."), fields={"role": [role]})
    grant, _created = RoleGrant.objects.get_or_create(
        official=official, agency=agency, role=role, valid_from=valid_from or date(1900, 1, 1)
    )
    return grant


@transaction.atomic
def position_add(
    *,
    official: Official,
    agency: Agency,
    title: str,
    valid_from: date,
    valid_to: date | None = None,
) -> Position:
    _require({"title": title})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed("org.bad_period", _("A position cannot end before it starts."))
    position, _created = Position.objects.get_or_create(
        official=official,
        agency=agency,
        title=title,
        valid_from=valid_from,
        defaults={"valid_to": valid_to},
    )
    return position


@transaction.atomic
def committee_member_add(
    *, committee: Agency, official: Official, role: str, title: str = ""
) -> CommitteeMembership:
    if committee.kind != AgencyKind.COMMITTEE:
        raise ValidationFailed("org.not_a_committee", _("Members can only join a committee."))
    if role not in CommitteeRole.values:
        raise ValidationFailed("org.bad_role", _("Unknown committee role."))
    try:
        with transaction.atomic():
            membership, _created = CommitteeMembership.objects.update_or_create(
                committee=committee,
                official=official,
                valid_from=date(1900, 1, 1),
                defaults={"role": role, "title": title},
            )
    except IntegrityError:
        raise Conflict("org.committee_has_head", _("The committee already has a head.")) from None
    return membership


class AuthenticationFailed(DomainError):
    status = 401


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, username: str, password: str) -> tuple[str, datetime]:
    """Exchange credentials for a bearer token; only the token's hash is stored."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        raise AuthenticationFailed("auth.invalid_credentials", _("Wrong username or password."))
    key = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    ApiToken.objects.create(official=user, key_hash=_hash(key), expires_at=expires_at)
    # expired tokens are useless; clean this official's up while we are here
    ApiToken.objects.filter(official=user, expires_at__lt=timezone.now()).delete()
    return key, expires_at


def token_authenticate(*, key: str) -> Official | None:
    token = (
        ApiToken.objects.select_related("official")
        .filter(key_hash=_hash(key), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.official.is_active:
        return None
    return token.official
