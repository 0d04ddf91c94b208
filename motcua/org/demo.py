"""The demo organisation of the seed document: Nghệ An, Đô Lương and Tân Kỳ.

Names of the province, districts, communes and agencies are real; unit codes of the
province and districts are the national statistical codes; commune and agency codes and
all people are sample data. Built through the services, idempotent: running it twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.org import services
from motcua.org.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    CommitteeRole,
    Official,
    Role,
    UnitLevel,
)
from motcua.workcalendar.models import CalendarOverride, WorkCalendar
from motcua.workcalendar.selectors import calendar_default
from motcua.workcalendar.services import override_add

DEMO_PASSWORD = "motcua-demo"  # noqa: S105 - the published demo password
SINCE = date(2021, 7, 1)
REFORM_DAY = date(2025, 7, 1)


@dataclass
class Login:
    username: str
    full_name: str
    what: str


@dataclass
class DemoResult:
    logins: list[Login] = field(default_factory=list)


def _unit(
    code: str,
    name: str,
    level: str,
    parent: AdministrativeUnit | None,
    valid_from: date = date(1900, 1, 1),
) -> AdministrativeUnit:
    found = AdministrativeUnit.objects.filter(code=code).first()
    if found:
        return found
    return services.unit_create(
        code=code,
        name=name,
        level=UnitLevel.objects.get(code=level),
        parent=parent,
        valid_from=valid_from,
    )


def _agency(
    code: str, name: str, unit: AdministrativeUnit, kind: str, parent: Agency | None = None
) -> Agency:
    found = Agency.objects.filter(code=code).first()
    if found:
        return found
    return services.agency_create(code=code, name=name, unit=unit, kind=kind, parent=parent)


class _People:
    def __init__(self, result: DemoResult) -> None:
        self.result = result
        self.password_hash = make_password(DEMO_PASSWORD)

    def add(
        self, username: str, full_name: str, agency: Agency, title: str, roles: list[str], what: str
    ) -> Official:
        official = Official.objects.filter(username=username).first()
        if official is None:
            official = services.official_create(
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                email=f"{username}@demo.motcua.local",
                password_hash=self.password_hash,
            )
        for role in roles:
            services.role_grant(official=official, agency=agency, role=role)
        services.position_add(official=official, agency=agency, title=title, valid_from=SINCE)
        self.result.logins.append(Login(username, full_name, what))
        return official


# (code suffix, name) of the divisions every district People's Committee has
DIVISIONS = [
    ("VP", "Văn phòng HĐND và UBND huyện"),
    ("NV", "Phòng Nội vụ"),
    ("TP", "Phòng Tư pháp"),
    ("TCKH", "Phòng Tài chính - Kế hoạch"),
    ("TNMT", "Phòng Tài nguyên và Môi trường"),
    ("KTHT", "Phòng Kinh tế và Hạ tầng"),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội"),
    ("GDDT", "Phòng Giáo dục và Đào tạo"),
    ("VHTT", "Phòng Văn hóa và Thông tin"),
    ("NN", "Phòng Nông nghiệp và Phát triển nông thôn"),
    ("TTr", "Thanh tra huyện"),
]

DISTRICTS = {
    # slug: (statistical code, name, agency number, communes [(slug, name)])
    "dl": (
        "427",
        "Huyện Đô Lương",
        "27",
        [
            ("ttdl", "Thị trấn Đô Lương"),
            ("dongson", "Xã Đông Sơn"),
            ("yenson", "Xã Yên Sơn"),
            ("daison", "Xã Đà Sơn"),
            ("lacson", "Xã Lạc Sơn"),
            ("vanson", "Xã Văn Sơn"),
        ],
    ),
    "tk": (
        "423",
        "Huyện Tân Kỳ",
        "23",
        [
            ("tttk", "Thị trấn Tân Kỳ"),
            ("kyson", "Xã Kỳ Sơn"),
            ("kytan", "Xã Kỳ Tân"),
            ("nghiadong", "Xã Nghĩa Đồng"),
            ("tanan", "Xã Tân An"),
            ("tanhop", "Xã Tân Hợp"),
        ],
    ),
}

# Demo people: a Vietnamese name for each post (sample data).
NAMES = {
    "dl": {
        "bithu": "Nguyễn Văn Hùng",
        "chutich": "Trần Đình Long",
        "admin": "Lê Thị Mai",
        "motcua": "Phạm Thị Hoa",
        "noivu": "Hoàng Văn Nam",
        "noivu.cv": "Đặng Thị Thu",
        "tuphap": "Vũ Minh Tuấn",
        "tnmt": "Bùi Văn Sơn",
        "tnmt.cv": "Ngô Thị Lan",
        "vp": "Đỗ Văn Thắng",
        "ktts": "Hồ Thị Nga",
        "thanhtra": "Phan Văn Đức",
        "ldtbxh": "Lý Thị Hằng",
        "kthtr": "Trương Văn Bình",
    },
    "tk": {
        "bithu": "Lê Văn Thành",
        "chutich": "Nguyễn Quang Minh",
        "admin": "Trần Thị Yến",
        "motcua": "Nguyễn Thị Hương",
        "noivu": "Phạm Văn Quý",
        "noivu.cv": "Lê Thị Hạnh",
        "tuphap": "Hoàng Thị Oanh",
        "tnmt": "Võ Văn Lợi",
        "tnmt.cv": "Trần Văn Hải",
        "vp": "Cao Văn Tiến",
        "ktts": "Đinh Thị Phương",
        "thanhtra": "Lương Văn Dũng",
        "ldtbxh": "Nguyễn Thị Vân",
        "kthtr": "Hà Văn Khánh",
    },
}


@transaction.atomic
def load_demo_organisation() -> DemoResult:
    result = DemoResult()
    people = _People(result)

    if not Official.objects.filter(username="admin").exists():
        Official.objects.create_superuser(
            username="admin",
            password=DEMO_PASSWORD,
            email="admin@demo.motcua.local",
            full_name="Quản trị hệ thống",
        )
    result.logins.append(Login("admin", "Quản trị hệ thống", "superuser: administrator everywhere"))

    province = _unit("40", "Tỉnh Nghệ An", "province", None)
    ubnd_tinh = _agency("000.00.00.H42", "UBND tỉnh Nghệ An", province, AgencyKind.PEOPLE_COMMITTEE)
    vp_tinh = _agency(
        "000.00.01.H42", "Văn phòng UBND tỉnh Nghệ An", province, AgencyKind.DIVISION, ubnd_tinh
    )
    snv = _agency(
        "000.00.02.H42", "Sở Nội vụ tỉnh Nghệ An", province, AgencyKind.DIVISION, ubnd_tinh
    )
    _agency(
        "000.00.03.H42",
        "Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
        province,
        AgencyKind.ONE_STOP,
        ubnd_tinh,
    )
    people.add(
        "tinh.chutich",
        "Nguyễn Đức Trung",
        ubnd_tinh,
        "Chủ tịch UBND tỉnh",
        [Role.CHAIRMAN],
        "chairman of the province",
    )
    people.add(
        "tinh.admin",
        "Phan Thị Ngọc",
        vp_tinh,
        "Chuyên viên CNTT",
        [Role.ADMINISTRATOR],
        "administrator of the province (and the national calendar)",
    )
    people.add(
        "tinh.kiemtra",
        "Thái Văn Hòa",
        snv,
        "Trưởng đoàn kiểm tra CCHC",
        [Role.INSPECTOR],
        "inspector (head of the province's CCHC inspection team)",
    )
    people.add(
        "tinh.cchc",
        "Hồ Thị Minh",
        snv,
        "Chuyên viên CCHC",
        [Role.REFORM_ADVISOR, Role.INSPECTOR],
        "CCHC advisor and inspection team member",
    )

    for slug, (code, name, number, communes) in DISTRICTS.items():
        _load_district(people, province, slug, code, name, number, communes)

    _load_reform_commune(province)
    _load_calendar_example(province)
    return result


def _load_district(
    people: _People,
    province: AdministrativeUnit,
    slug: str,
    code: str,
    name: str,
    number: str,
    communes: list[tuple[str, str]],
) -> None:
    n = NAMES[slug]
    short = name.removeprefix("Huyện ")
    district = _unit(code, name, "district", province)
    ubnd = _agency(
        f"000.00.{number}.H42", f"UBND huyện {short}", district, AgencyKind.PEOPLE_COMMITTEE
    )
    div = {
        suffix: _agency(
            f"000.{i + 1:02d}.{number}.H42",
            f"{title} {short}" if title.endswith("huyện") else f"{title} huyện {short}",
            district,
            AgencyKind.DIVISION,
            ubnd,
        )
        for i, (suffix, title) in enumerate(DIVISIONS)
    }
    one_stop = _agency(
        f"000.20.{number}.H42",
        f"Bộ phận tiếp nhận và trả kết quả huyện {short}",
        district,
        AgencyKind.ONE_STOP,
        ubnd,
    )
    bcd = _agency(
        f"BCD-CCHC.{number}.H42", f"Ban Chỉ đạo CCHC huyện {short}", district, AgencyKind.COMMITTEE
    )
    tgv = _agency(
        f"TGV-CCHC.{number}.H42",
        f"Tổ giúp việc Ban Chỉ đạo CCHC huyện {short}",
        district,
        AgencyKind.COMMITTEE,
        bcd,
    )

    p = people.add
    bithu = p(
        f"{slug}.bithu",
        n["bithu"],
        bcd,
        f"Bí thư Huyện ủy {short}, Trưởng Ban Chỉ đạo CCHC",
        [Role.CHAIRMAN],
        f"{short}: Party Secretary, head of the Steering Committee and Working Group",
    )
    chutich = p(
        f"{slug}.chutich",
        n["chutich"],
        ubnd,
        f"Chủ tịch UBND huyện {short}",
        [Role.CHAIRMAN],
        f"{short}: chairman of the district People's Committee",
    )
    p(
        f"{slug}.admin",
        n["admin"],
        div["VP"],
        "Chuyên viên quản trị hệ thống",
        [Role.ADMINISTRATOR],
        f"{short}: administrator of the district",
    )
    p(
        f"{slug}.motcua",
        n["motcua"],
        one_stop,
        "Công chức Bộ phận Một cửa",
        [Role.ONE_STOP_OFFICER],
        f"{short}: one-stop officer",
    )
    noivu = p(
        f"{slug}.noivu",
        n["noivu"],
        div["NV"],
        "Trưởng phòng Nội vụ",
        [Role.UNIT_HEAD],
        f"{short}: head of the Home Affairs division",
    )
    noivu_cv = p(
        f"{slug}.noivu.cv",
        n["noivu.cv"],
        div["NV"],
        "Chuyên viên CCHC",
        [Role.HANDLING_OFFICIAL, Role.REFORM_ADVISOR],
        f"{short}: CCHC advisor, handling official",
    )
    p(
        f"{slug}.tuphap",
        n["tuphap"],
        div["TP"],
        "Trưởng phòng Tư pháp",
        [Role.UNIT_HEAD, Role.LEGAL_OFFICER],
        f"{short}: head of Justice, legal officer",
    )
    p(
        f"{slug}.tnmt",
        n["tnmt"],
        div["TNMT"],
        "Trưởng phòng Tài nguyên và Môi trường",
        [Role.UNIT_HEAD],
        f"{short}: head of Natural Resources and Environment",
    )
    p(
        f"{slug}.tnmt.cv",
        n["tnmt.cv"],
        div["TNMT"],
        "Chuyên viên địa chính",
        [Role.HANDLING_OFFICIAL],
        f"{short}: handling official (land)",
    )
    p(
        f"{slug}.ldtbxh",
        n["ldtbxh"],
        div["LDTBXH"],
        "Trưởng phòng Lao động - TB&XH",
        [Role.UNIT_HEAD],
        f"{short}: head of Labour, Invalids and Social Affairs",
    )
    p(
        f"{slug}.ktht",
        n["kthtr"],
        div["KTHT"],
        "Trưởng phòng Kinh tế và Hạ tầng",
        [Role.UNIT_HEAD],
        f"{short}: head of Economy and Infrastructure",
    )
    p(
        f"{slug}.vp",
        n["vp"],
        div["VP"],
        "Chánh Văn phòng HĐND và UBND",
        [Role.UNIT_HEAD],
        f"{short}: head of the People's Committee office",
    )
    p(
        f"{slug}.ktts",
        n["ktts"],
        div["VP"],
        "Cán bộ đầu mối kiểm soát TTHC",
        [Role.AP_CONTROL_CONTACT],
        f"{short}: AP-control contact officer",
    )
    p(
        f"{slug}.thanhtra",
        n["thanhtra"],
        div["TTr"],
        "Chánh Thanh tra huyện",
        [Role.INSPECTOR, Role.UNIT_HEAD],
        f"{short}: district inspector",
    )

    # The seed: Steering Committee and Working Group headed by the district Party Secretary.
    services.committee_member_add(
        committee=bcd, official=bithu, role=CommitteeRole.HEAD, title=f"Bí thư Huyện ủy {short}"
    )
    services.committee_member_add(
        committee=bcd,
        official=chutich,
        role=CommitteeRole.DEPUTY,
        title=f"Chủ tịch UBND huyện {short}",
    )
    services.committee_member_add(
        committee=bcd, official=noivu, role=CommitteeRole.MEMBER, title="Trưởng phòng Nội vụ"
    )
    services.committee_member_add(
        committee=tgv, official=bithu, role=CommitteeRole.HEAD, title=f"Bí thư Huyện ủy {short}"
    )
    services.committee_member_add(
        committee=tgv, official=noivu, role=CommitteeRole.DEPUTY, title="Trưởng phòng Nội vụ"
    )
    services.committee_member_add(
        committee=tgv, official=noivu_cv, role=CommitteeRole.SECRETARY, title="Chuyên viên CCHC"
    )

    for index, (cslug, cname) in enumerate(communes, start=1):
        commune = _unit(f"{code}{index:02d}", cname, "commune", district)
        ubnd_xa = _agency(
            f"{index:03d}.{number}.H42",
            f"UBND {cname[0].lower()}{cname[1:]}",
            commune,
            AgencyKind.PEOPLE_COMMITTEE,
        )
        motcua_xa = _agency(
            f"{index:03d}.{number}.MC.H42",
            f"Bộ phận Một cửa {cname}",
            commune,
            AgencyKind.ONE_STOP,
            ubnd_xa,
        )
        if index <= 2:  # two fully staffed communes per district
            p(
                f"{slug}.{cslug}.chutich",
                f"Chủ tịch {cname}",
                ubnd_xa,
                f"Chủ tịch UBND {cname}",
                [Role.CHAIRMAN, Role.UNIT_HEAD],
                f"{cname}: commune chairman",
            )
            p(
                f"{slug}.{cslug}.motcua",
                f"Một cửa {cname}",
                motcua_xa,
                "Công chức Văn phòng - Thống kê",
                [Role.ONE_STOP_OFFICER],
                f"{cname}: one-stop officer",
            )
            p(
                f"{slug}.{cslug}.tuphap",
                f"Tư pháp {cname}",
                ubnd_xa,
                "Công chức Tư pháp - Hộ tịch",
                [Role.HANDLING_OFFICIAL, Role.LEGAL_OFFICER],
                f"{cname}: civil-status official",
            )


def _load_reform_commune(province: AdministrativeUnit) -> None:
    """The 2025 reform: communes merged into one that reports to the province directly."""
    merged = AdministrativeUnit.objects.filter(code__in=["42701", "42702", "42703"])
    new = _unit("42799", "Xã Đô Lương", "commune", province, valid_from=REFORM_DAY)
    _agency("099.27.H42", "UBND xã Đô Lương", new, AgencyKind.PEOPLE_COMMITTEE)
    for old in merged:
        if old.valid_to is None:
            services.unit_dissolve(unit=old, valid_to=date(2025, 6, 30), successors=[new])


def _load_calendar_example(province: AdministrativeUnit) -> None:
    """Nghệ An's own calendar, based on the national one, with one sample override."""
    national = calendar_default()
    calendar, _created = WorkCalendar.objects.get_or_create(
        code="nghe-an",
        defaults={"name": "Lịch làm việc tỉnh Nghệ An", "base": national},
    )
    if province.calendar_id != calendar.pk:
        AdministrativeUnit.objects.filter(pk=province.pk).update(calendar=calendar)
    sample_day = date(2026, 12, 31)
    if not CalendarOverride.objects.filter(calendar=calendar, date=sample_day).exists():
        override_add(
            calendar=calendar,
            day=sample_day,
            kind="day_off",
            legal_basis="Dữ liệu mẫu (sample data, not a real decision)",
            note="Ngày nghỉ minh họa cho bản demo",
        )
