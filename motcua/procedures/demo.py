"""The demo catalogue of the seed document: Đô Lương's 347 procedures and 12 proposals.

Đô Lương resolves 347 procedures in its area, 237 under district-level authority and 110
under commune-level authority, and proposed simplifying 12 of them (SPEC §4, §11). The
catalogue is published by a decision of the Nghệ An People's Committee (a sample decision:
its number and dates are invented and its title says so); the counts on the catalogue
page are computed from these records, never typed in.

What is real and what is sample data:

- Procedures with a national code (``Procedure.sample`` false) are real procedures of the
  national database with their real names; each code was cross-checked against public
  data sets derived from the national public-service portal (dichvucong.gov.vn). Time
  limits are the legal ones for civil status at commune level (Luật Hộ tịch, Nghị định
  123/2015), certification (Nghị định 23/2015) and business households (Nghị định 01/2021), and the
  fees of certification (Thông tư 226/2016), civil-status extracts and domestic adoption;
  the other limits are the best known and should be checked against the province's
  published decision before real use. A fee whose amount the province sets is left out
  rather than guessed, and the legal basis says so.
- Procedures with a code starting ``DL-MAU-`` are real procedures by name whose national
  code is not given here (``sample`` true): their time limits are plausible, not checked.
- ``Thủ tục mẫu số ...`` procedures are generated filler that completes the seed's counts
  (``sample`` true, and their names say so).
- The income parameters are estimates for the demo (their source says so), the internal
  processes (which step takes how many hours) are a sample of a typical one-stop process,
  and the proposals' cost inputs are sample figures.

Built through the services; idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.org import services as org_services
from motcua.org.demo import DISTRICTS, DIVISIONS
from motcua.org.models import AdministrativeUnit, Agency, AgencyKind, Official, Role, UnitLevel
from motcua.procedures import selectors, services
from motcua.procedures.models import (
    CatalogueDecision,
    DocumentForm,
    LimitUnit,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProposalStatus,
    SimplificationProposal,
)
from motcua.procedures.services import DocumentData, FeeData, StepData, VersionData

VERSIONS_FROM = date(2023, 7, 1)  # when the first version of every demo procedure applies
CUTOFF = time(15, 0)  # "within the day": a dossier received after 15:00 counts from the next
DISTRICT_COUNT, COMMUNE_COUNT = 237, 110  # the seed's figures for Đô Lương
SAMPLE_PREFIX = {"district": "DL-MAU-H-", "commune": "DL-MAU-X-"}

DECISION = {
    "number": "MẪU-1234/QĐ-UBND",
    "title": (
        "Quyết định công bố danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của "
        "UBND cấp huyện, UBND cấp xã trên địa bàn tỉnh Nghệ An (dữ liệu mẫu: số, ngày và "
        "nội dung quyết định là giả định cho bản demo)"
    ),
    "signed_on": date(2024, 2, 20),
    "effective_on": date(2024, 3, 1),
}
# the communes formed by the 2025 reform get the commune-level catalogue by a second decision
REFORM_DECISION = {
    "number": "MẪU-2150/QĐ-UBND",
    "title": (
        "Quyết định công bố danh mục thủ tục hành chính cấp xã áp dụng tại các đơn vị hành "
        "chính cấp xã hình thành sau sắp xếp năm 2025 (dữ liệu mẫu: số và ngày là giả định)"
    ),
    "signed_on": date(2025, 6, 25),
    "effective_on": date(2025, 7, 1),
}

INCOME = [
    # (year, average monthly income in VND, source)
    (
        2023,
        7_100_000,
        "Thu nhập bình quân tháng của người lao động năm 2023 theo Tổng cục Thống kê, làm "
        "tròn - ước tính cho bản demo, cần đối chiếu số liệu chính thức",
    ),
    (
        2024,
        7_700_000,
        "Thu nhập bình quân tháng của người lao động năm 2024 theo Tổng cục Thống kê, làm "
        "tròn - ước tính cho bản demo, cần đối chiếu số liệu chính thức",
    ),
    (
        2025,
        8_300_000,
        "Ước tính cho bản demo (ngoại suy từ số liệu của Tổng cục Thống kê), không phải "
        "số liệu chính thức",
    ),
    (
        2026,
        8_800_000,
        "Ước tính cho bản demo (ngoại suy từ số liệu của Tổng cục Thống kê), không phải "
        "số liệu chính thức",
    ),
]

SECTORS = {
    "ho-tich": "Hộ tịch",
    "chung-thuc": "Chứng thực",
    "nuoi-con-nuoi": "Nuôi con nuôi",
    "hoa-giai-co-so": "Hòa giải ở cơ sở",
    "pho-bien-giao-duc-phap-luat": "Phổ biến, giáo dục pháp luật",
    "boi-thuong-nha-nuoc": "Bồi thường nhà nước",
    "dat-dai": "Đất đai",
    "moi-truong": "Môi trường",
    "tai-nguyen-nuoc": "Tài nguyên nước",
    "hoat-dong-xay-dung": "Hoạt động xây dựng",
    "quy-hoach-xay-dung": "Quy hoạch xây dựng, kiến trúc",
    "duong-bo": "Đường bộ",
    "duong-thuy-noi-dia": "Đường thủy nội địa",
    "luu-thong-hang-hoa": "Lưu thông hàng hóa trong nước",
    "ho-kinh-doanh": "Thành lập và hoạt động của hộ kinh doanh",
    "hop-tac-xa": "Thành lập và hoạt động của hợp tác xã",
    "to-hop-tac": "Thành lập và hoạt động của tổ hợp tác",
    "bao-tro-xa-hoi": "Bảo trợ xã hội",
    "nguoi-co-cong": "Người có công",
    "tre-em": "Trẻ em",
    "giam-ngheo": "Giảm nghèo",
    "phong-chong-te-nan-xa-hoi": "Phòng, chống tệ nạn xã hội",
    "giao-duc-dao-tao": "Giáo dục và Đào tạo",
    "van-hoa-co-so": "Văn hóa cơ sở",
    "thu-vien": "Thư viện",
    "the-duc-the-thao": "Thể dục thể thao",
    "thong-tin-dien-tu": "Phát thanh, truyền hình và thông tin điện tử",
    "thi-dua-khen-thuong": "Thi đua - Khen thưởng",
    "tin-nguong-ton-giao": "Tín ngưỡng, tôn giáo",
    "to-chuc-hoi": "Tổ chức hội",
    "quy-xa-hoi": "Quỹ xã hội, quỹ từ thiện",
    "nong-nghiep": "Nông nghiệp và phòng, chống thiên tai",
    "lam-nghiep": "Lâm nghiệp",
    "thuy-loi": "Thủy lợi",
    "chat-luong-nong-lam-thuy-san": "Quản lý chất lượng nông lâm sản và thủy sản",
    "dan-so": "Dân số - Kế hoạch hóa gia đình",
    "gia-dinh": "Gia đình",
    "khieu-nai": "Giải quyết khiếu nại",
    "to-cao": "Giải quyết tố cáo",
    "tiep-cong-dan": "Tiếp công dân",
    "xu-ly-don": "Xử lý đơn thư",
}

# -- the catalogue as data -----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One procedure of the catalogue. ``code`` empty: no national code given here."""

    code: str
    name: str
    days: int  # legal time limit in working days; 0 = within the day (cut-off 15:00)
    fees: tuple[FeeData, ...] = ()
    docs: tuple[DocumentData, ...] = ()
    result: str = ""
    online: str = ""
    process: str = ""  # "" the standard process; or a key of INTERCONNECTED
    signer: str = ""  # "" the block's; "chairman" or "division"


@dataclass(frozen=True)
class Block:
    """Procedures of one sector at one level, resolved by one office."""

    level: str  # "district" or "commune"
    sector: str
    office: str  # district: a division's suffix (DIVISIONS); commune: the civil servant
    basis: str
    docs: tuple[DocumentData, ...]
    result: str
    entries: tuple[Entry, ...]
    online: str = OnlineLevel.PARTIAL
    signer: str = "chairman"  # who signs: the chairman of the People's Committee, or the
    # head of the division (certification, business registration)


def e(
    code: str,
    name: str,
    days: int,
    *,
    fees: Sequence[FeeData] = (),
    docs: Sequence[DocumentData] = (),
    result: str = "",
    online: str = "",
    process: str = "",
    signer: str = "",
) -> Entry:
    return Entry(code, name, days, tuple(fees), tuple(docs), result, online, process, signer)


def orig(name: str, *, mandatory: bool = True) -> DocumentData:
    return DocumentData(name, mandatory, DocumentForm.ORIGINAL)


def copy(name: str, *, mandatory: bool = True) -> DocumentData:
    return DocumentData(name, mandatory, DocumentForm.COPY)


def cert(name: str, *, mandatory: bool = True) -> DocumentData:
    return DocumentData(name, mandatory, DocumentForm.CERTIFIED_COPY)


def anyform(name: str, *, mandatory: bool = True) -> DocumentData:
    return DocumentData(name, mandatory, DocumentForm.ANY)


PROXY = anyform("Văn bản ủy quyền (trường hợp ủy quyền thực hiện thủ tục)", mandatory=False)
FULL, PARTIAL, NONE = OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE

HO_TICH = (
    "Luật Hộ tịch năm 2014; Nghị định số 123/2015/NĐ-CP; Thông tư số 04/2020/TT-BTP. "
    "Lệ phí (nếu có): theo Nghị quyết của HĐND tỉnh Nghệ An; miễn lệ phí đăng ký khai sinh, "
    "khai tử đúng hạn và kết hôn của công dân Việt Nam cư trú trong nước."
)
CHUNG_THUC = (
    "Nghị định số 23/2015/NĐ-CP; Thông tư số 01/2020/TT-BTP; "
    "Thông tư số 226/2016/TT-BTC (phí chứng thực)."
)
DAT_DAI = (
    "Luật Đất đai năm 2013; Nghị định số 43/2014/NĐ-CP; Nghị định số 01/2017/NĐ-CP; "
    "Nghị định số 148/2020/NĐ-CP. Phí, lệ phí: theo Nghị quyết của HĐND tỉnh Nghệ An."
)
XAY_DUNG = (
    "Luật Xây dựng năm 2014, sửa đổi, bổ sung năm 2020; Nghị định số 15/2021/NĐ-CP. "
    "Lệ phí cấp giấy phép xây dựng: theo Nghị quyết của HĐND tỉnh Nghệ An."
)
HO_KINH_DOANH = (
    "Nghị định số 01/2021/NĐ-CP; Thông tư số 01/2021/TT-BKHĐT. "
    "Lệ phí đăng ký hộ kinh doanh: theo Nghị quyết của HĐND tỉnh Nghệ An."
)

DISTRICT_BLOCKS: tuple[Block, ...] = (
    Block(
        "district",
        "ho-tich",
        "TP",
        HO_TICH,
        (orig("Tờ khai theo mẫu quy định"), copy("Giấy tờ làm căn cứ đăng ký hộ tịch"), PROXY),
        "Trích lục hộ tịch",
        (
            e(
                "2.000528",
                "Đăng ký khai sinh có yếu tố nước ngoài",
                0,
                docs=(
                    orig("Tờ khai đăng ký khai sinh theo mẫu"),
                    orig("Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh"),
                    orig(
                        "Văn bản thỏa thuận của cha, mẹ về việc lựa chọn quốc tịch cho con",
                        mandatory=False,
                    ),
                    PROXY,
                ),
                result="Giấy khai sinh (bản chính); bản sao Trích lục khai sinh nếu có yêu cầu",
            ),
            e(
                "2.000806",
                "Đăng ký kết hôn có yếu tố nước ngoài",
                15,
                docs=(
                    orig("Tờ khai đăng ký kết hôn theo mẫu"),
                    orig("Giấy tờ chứng minh tình trạng hôn nhân của người nước ngoài"),
                    orig(
                        "Giấy xác nhận của tổ chức y tế có thẩm quyền xác nhận không mắc bệnh "
                        "tâm thần hoặc bệnh khác mà không có khả năng nhận thức, làm chủ được "
                        "hành vi của mình"
                    ),
                    copy("Hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu của người nước ngoài"),
                ),
                result="Giấy chứng nhận kết hôn",
            ),
            e("", "Đăng ký khai tử có yếu tố nước ngoài", 0, result="Trích lục khai tử"),
            e("", "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài", 15),
            e("", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con có yếu tố nước ngoài", 15),
            e("", "Đăng ký giám hộ có yếu tố nước ngoài", 3),
            e(
                "",
                "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
                3,
            ),
            e(
                "",
                "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại "
                "cơ quan có thẩm quyền của nước ngoài",
                5,
            ),
            e(
                "",
                "Ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã "
                "được giải quyết tại cơ quan có thẩm quyền của nước ngoài",
                5,
            ),
            e(
                "",
                "Ghi vào Sổ hộ tịch việc hộ tịch khác của công dân Việt Nam đã được giải quyết "
                "tại cơ quan có thẩm quyền của nước ngoài",
                3,
            ),
            e("", "Đăng ký lại khai sinh có yếu tố nước ngoài", 5),
            e("", "Đăng ký lại kết hôn có yếu tố nước ngoài", 5),
            e("", "Đăng ký lại khai tử có yếu tố nước ngoài", 5),
            e(
                "",
                "Đăng ký khai sinh có yếu tố nước ngoài cho người đã có hồ sơ, giấy tờ cá nhân",
                0,
            ),
        ),
        online=PARTIAL,
    ),
    Block(
        "district",
        "chung-thuc",
        "TP",
        CHUNG_THUC,
        (orig("Bản chính giấy tờ, văn bản cần chứng thực"), anyform("Giấy tờ tùy thân")),
        "Giấy tờ, văn bản đã được chứng thực",
        (
            e(
                "2.001008",
                "Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật",
                0,
                fees=(FeeData("Phí chứng thực chữ ký (đồng/trường hợp)", 10_000),),
                docs=(
                    orig("Bản dịch đính kèm giấy tờ, văn bản cần dịch"),
                    anyform("Bản sao giấy tờ tùy thân của người dịch"),
                    copy("Bản sao bằng cấp, chứng chỉ chứng minh trình độ dịch của người dịch"),
                ),
                result="Bản dịch đã được chứng thực chữ ký người dịch",
            ),
            e(
                "2.000992",
                "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật",
                0,
                fees=(FeeData("Phí chứng thực chữ ký (đồng/trường hợp)", 10_000),),
                docs=(orig("Bản dịch đính kèm giấy tờ, văn bản cần dịch"),),
                result="Bản dịch đã được chứng thực chữ ký người dịch",
            ),
            e(
                "",
                "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm "
                "quyền của nước ngoài cấp hoặc chứng nhận",
                0,
                fees=(
                    FeeData("Phí chứng thực bản sao (đồng/trang, từ trang thứ ba 1.000)", 2_000),
                ),
            ),
            e("", "Cấp bản sao từ sổ gốc", 0, result="Bản sao từ sổ gốc"),
        ),
        online=PARTIAL,
        signer="division",
    ),
    Block(
        "district",
        "boi-thuong-nha-nuoc",
        "TP",
        "Luật Trách nhiệm bồi thường của Nhà nước năm 2017; Nghị định số 68/2018/NĐ-CP.",
        (orig("Văn bản yêu cầu bồi thường"), copy("Văn bản làm căn cứ yêu cầu bồi thường")),
        "Quyết định giải quyết bồi thường",
        (
            e(
                "",
                "Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành "
                "công vụ gây thiệt hại",
                40,
            ),
            e("", "Phục hồi danh dự", 15, result="Văn bản xin lỗi, cải chính công khai"),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "pho-bien-giao-duc-phap-luat",
        "TP",
        "Luật Phổ biến, giáo dục pháp luật năm 2012; Quyết định số 25/2021/QĐ-TTg.",
        (orig("Báo cáo đánh giá, chấm điểm các tiêu chí tiếp cận pháp luật"),),
        "Quyết định công nhận",
        (e("", "Công nhận cấp xã đạt chuẩn tiếp cận pháp luật", 20),),
        online=NONE,
    ),
    Block(
        "district",
        "dat-dai",
        "TNMT",
        DAT_DAI,
        (orig("Đơn đề nghị theo mẫu"), orig("Giấy chứng nhận đã cấp")),
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        (
            e(
                "",
                "Giao đất, cho thuê đất cho hộ gia đình, cá nhân không thông qua hình thức đấu "
                "giá quyền sử dụng đất",
                20,
                result="Quyết định giao đất, cho thuê đất",
            ),
            e(
                "",
                "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền "
                "đối với hộ gia đình, cá nhân",
                15,
                docs=(
                    orig("Đơn xin phép chuyển mục đích sử dụng đất theo mẫu"),
                    orig("Giấy chứng nhận quyền sử dụng đất đã cấp"),
                ),
                result="Quyết định cho phép chuyển mục đích sử dụng đất",
            ),
            e(
                "",
                "Thu hồi đất do chấm dứt việc sử dụng đất theo pháp luật, tự nguyện trả lại đất "
                "đối với hộ gia đình, cá nhân",
                20,
                result="Quyết định thu hồi đất",
            ),
            e(
                "",
                "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng "
                "đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu",
                20,
                docs=(
                    orig("Đơn đăng ký, cấp Giấy chứng nhận theo mẫu"),
                    copy("Giấy tờ về quyền sử dụng đất (nếu có)"),
                    copy("Giấy tờ về tài sản gắn liền với đất (nếu có)", mandatory=False),
                    copy("Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", mandatory=False),
                ),
                process="land_first",
            ),
            e(
                "",
                "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do "
                "chuyển đổi, chuyển nhượng, cho thuê, thừa kế, tặng cho, góp vốn",
                10,
                docs=(
                    orig("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo mẫu"),
                    orig("Hợp đồng, văn bản về chuyển quyền đã được công chứng, chứng thực"),
                    orig("Giấy chứng nhận đã cấp"),
                    orig("Tờ khai lệ phí trước bạ, tờ khai thuế thu nhập cá nhân"),
                ),
                process="land_change",
            ),
            e(
                "",
                "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác "
                "gắn liền với đất",
                7,
            ),
            e("", "Cấp lại Giấy chứng nhận hoặc Trang bổ sung của Giấy chứng nhận do bị mất", 10),
            e("", "Đính chính Giấy chứng nhận đã cấp", 10),
            e(
                "",
                "Tách thửa hoặc hợp thửa đất",
                15,
                docs=(
                    orig("Đơn đề nghị tách thửa hoặc hợp thửa theo mẫu"),
                    orig("Giấy chứng nhận quyền sử dụng đất đã cấp"),
                    orig("Bản trích đo địa chính thửa đất (nếu có)", mandatory=False),
                ),
            ),
            e(
                "",
                "Đăng ký biến động do thay đổi thông tin về người được cấp Giấy chứng nhận, "
                "giảm diện tích thửa đất do sạt lở tự nhiên, thay đổi về tài sản gắn liền với đất",
                10,
            ),
            e("", "Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế", 7),
            e(
                "",
                "Xác nhận tiếp tục sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết "
                "hạn sử dụng đất",
                5,
            ),
            e("", "Chuyển đổi quyền sử dụng đất nông nghiệp của hộ gia đình, cá nhân", 10),
            e(
                "",
                "Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân "
                "cấp huyện",
                45,
                result="Quyết định giải quyết tranh chấp đất đai",
                online=NONE,
            ),
            e("", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3),
            e("", "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", 3),
            e("", "Cung cấp dữ liệu đất đai", 3, result="Dữ liệu đất đai được cung cấp"),
            e(
                "",
                "Thẩm định nhu cầu sử dụng đất để xem xét giao đất, cho thuê đất không thông qua "
                "hình thức đấu giá đối với hộ gia đình, cá nhân",
                20,
                result="Văn bản thẩm định nhu cầu sử dụng đất",
            ),
        ),
    ),
    Block(
        "district",
        "moi-truong",
        "TNMT",
        "Luật Bảo vệ môi trường năm 2020; Nghị định số 08/2022/NĐ-CP.",
        (orig("Văn bản đề nghị theo mẫu"), orig("Báo cáo đề xuất cấp giấy phép môi trường")),
        "Giấy phép môi trường",
        (
            e("", "Cấp giấy phép môi trường (cấp huyện)", 15),
            e("", "Cấp đổi giấy phép môi trường (cấp huyện)", 10),
            e("", "Cấp điều chỉnh giấy phép môi trường (cấp huyện)", 10),
            e("", "Cấp lại giấy phép môi trường (cấp huyện)", 15),
        ),
    ),
    Block(
        "district",
        "tai-nguyen-nuoc",
        "TNMT",
        "Luật Tài nguyên nước năm 2012; Nghị định số 201/2013/NĐ-CP.",
        (orig("Tờ khai theo mẫu"),),
        "Văn bản xác nhận",
        (
            e("", "Đăng ký khai thác nước dưới đất", 10),
            e(
                "",
                "Lấy ý kiến Ủy ban nhân dân cấp huyện đối với các dự án đầu tư có chuyển nước từ "
                "nguồn nước nội tỉnh",
                15,
                result="Văn bản góp ý kiến",
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "hoat-dong-xay-dung",
        "KTHT",
        XAY_DUNG,
        (
            orig("Đơn đề nghị cấp giấy phép xây dựng theo mẫu"),
            copy("Giấy tờ chứng minh quyền sử dụng đất"),
            copy("Bản vẽ thiết kế xây dựng"),
        ),
        "Giấy phép xây dựng",
        (
            e(
                "",
                "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
                15,
                docs=(
                    orig("Đơn đề nghị cấp giấy phép xây dựng theo mẫu"),
                    copy("Bản sao giấy tờ chứng minh quyền sử dụng đất"),
                    copy(
                        "02 bộ bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, "
                        "đấu nối hạ tầng)"
                    ),
                    copy(
                        "Bản kê khai năng lực của tổ chức, cá nhân thiết kế (nếu có)",
                        mandatory=False,
                    ),
                ),
            ),
            e("", "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ", 15),
            e("", "Cấp giấy phép di dời đối với nhà ở riêng lẻ", 15),
            e("", "Cấp điều chỉnh giấy phép xây dựng đối với nhà ở riêng lẻ", 15),
            e("", "Gia hạn giấy phép xây dựng đối với nhà ở riêng lẻ", 5),
            e("", "Cấp lại giấy phép xây dựng đối với nhà ở riêng lẻ", 5),
            e("", "Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ", 15),
            e("", "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV", 20),
            e(
                "",
                "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp III, cấp IV",
                20,
            ),
            e(
                "",
                "Thẩm định Báo cáo kinh tế - kỹ thuật đầu tư xây dựng, điều chỉnh Báo cáo kinh tế "
                "- kỹ thuật đầu tư xây dựng",
                20,
                result="Thông báo kết quả thẩm định",
            ),
            e(
                "",
                "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở, điều chỉnh thiết kế "
                "xây dựng triển khai sau thiết kế cơ sở",
                20,
                result="Thông báo kết quả thẩm định",
            ),
        ),
    ),
    Block(
        "district",
        "quy-hoach-xay-dung",
        "KTHT",
        "Luật Quy hoạch đô thị năm 2009; Luật Xây dựng năm 2014; Nghị định số 44/2015/NĐ-CP.",
        (orig("Tờ trình hoặc văn bản đề nghị"), copy("Hồ sơ nhiệm vụ hoặc đồ án quy hoạch")),
        "Văn bản thẩm định",
        (
            e(
                "",
                "Cung cấp thông tin về quy hoạch xây dựng thuộc thẩm quyền của UBND cấp huyện",
                10,
                result="Văn bản cung cấp thông tin quy hoạch",
            ),
            e(
                "",
                "Thẩm định nhiệm vụ, nhiệm vụ điều chỉnh quy hoạch chi tiết của dự án đầu tư xây "
                "dựng công trình theo hình thức kinh doanh thuộc thẩm quyền của UBND cấp huyện",
                20,
            ),
            e(
                "",
                "Thẩm định đồ án, đồ án điều chỉnh quy hoạch chi tiết của dự án đầu tư xây dựng "
                "công trình theo hình thức kinh doanh thuộc thẩm quyền của UBND cấp huyện",
                25,
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "duong-bo",
        "KTHT",
        "Luật Giao thông đường bộ năm 2008; Nghị định số 11/2010/NĐ-CP; "
        "Thông tư số 50/2015/TT-BGTVT.",
        (orig("Đơn đề nghị theo mẫu"), copy("Hồ sơ thiết kế, phương án thi công")),
        "Văn bản chấp thuận hoặc giấy phép thi công",
        (
            e(
                "",
                "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng "
                "giao thông đường bộ của đường huyện, đường xã",
                7,
            ),
            e(
                "",
                "Cấp giấy phép thi công công trình trong phạm vi bảo vệ kết cấu hạ tầng giao "
                "thông đường bộ của đường huyện, đường xã",
                7,
            ),
            e("", "Cấp phép thi công nút giao đấu nối vào đường huyện, đường xã", 7),
            e(
                "",
                "Gia hạn chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu "
                "hạ tầng giao thông đường bộ của đường huyện, đường xã",
                3,
            ),
            e(
                "",
                "Cấp phép sử dụng tạm thời một phần lòng đường, hè phố không vào mục đích giao "
                "thông",
                7,
            ),
        ),
    ),
    Block(
        "district",
        "duong-thuy-noi-dia",
        "KTHT",
        "Luật Giao thông đường thủy nội địa năm 2004, sửa đổi, bổ sung năm 2014; "
        "Thông tư số 75/2014/TT-BGTVT.",
        (orig("Tờ khai đăng ký phương tiện theo mẫu"), copy("Giấy tờ chứng minh nguồn gốc")),
        "Giấy chứng nhận đăng ký phương tiện thủy nội địa",
        (
            e("", "Đăng ký lần đầu phương tiện thủy nội địa", 3),
            e("", "Đăng ký lại phương tiện thủy nội địa", 3),
            e("", "Cấp lại Giấy chứng nhận đăng ký phương tiện thủy nội địa", 3),
            e("", "Xóa Giấy chứng nhận đăng ký phương tiện thủy nội địa", 3),
        ),
    ),
    Block(
        "district",
        "luu-thong-hang-hoa",
        "KTHT",
        "Luật Phòng, chống tác hại của rượu, bia năm 2019; Nghị định số 105/2017/NĐ-CP; "
        "Nghị định số 17/2020/NĐ-CP; Nghị định số 67/2013/NĐ-CP (thuốc lá); "
        "Nghị định số 87/2018/NĐ-CP (khí). Phí thẩm định: theo quy định của Bộ Tài chính.",
        (orig("Đơn đề nghị theo mẫu"), copy("Giấy chứng nhận đăng ký kinh doanh")),
        "Giấy phép",
        (
            e("", "Cấp Giấy phép bán lẻ rượu", 10),
            e("", "Cấp sửa đổi, bổ sung Giấy phép bán lẻ rượu", 10),
            e("", "Cấp lại Giấy phép bán lẻ rượu", 7),
            e("", "Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh", 10),
            e(
                "",
                "Cấp sửa đổi, bổ sung Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
                10,
            ),
            e("", "Cấp lại Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh", 7),
            e("", "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", 15),
            e("", "Cấp sửa đổi, bổ sung Giấy phép bán lẻ sản phẩm thuốc lá", 15),
            e("", "Cấp lại Giấy phép bán lẻ sản phẩm thuốc lá", 15),
            e("", "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai", 15),
            e("", "Cấp lại Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai", 7),
            e("", "Cấp điều chỉnh Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai", 7),
        ),
    ),
    Block(
        "district",
        "ho-kinh-doanh",
        "TCKH",
        HO_KINH_DOANH,
        (orig("Giấy đề nghị theo mẫu"), orig("Giấy chứng nhận đăng ký hộ kinh doanh đã cấp")),
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        (
            e(
                "1.001612",
                "Đăng ký thành lập hộ kinh doanh",
                3,
                docs=(
                    orig("Giấy đề nghị đăng ký hộ kinh doanh theo mẫu"),
                    copy("Bản sao giấy tờ pháp lý của cá nhân đối với các thành viên hộ gia đình"),
                    copy(
                        "Bản sao biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh "
                        "doanh (trường hợp các thành viên hộ gia đình đăng ký hộ kinh doanh)",
                        mandatory=False,
                    ),
                ),
            ),
            e("2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3),
            e(
                "1.001570",
                "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ "
                "kinh doanh",
                3,
                result="Giấy xác nhận về việc hộ kinh doanh đăng ký tạm ngừng kinh doanh",
            ),
            e(
                "1.001266",
                "Chấm dứt hoạt động hộ kinh doanh",
                3,
                result="Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
            ),
            e("2.000575", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", 3),
        ),
        online=FULL,
        signer="division",
    ),
    Block(
        "district",
        "hop-tac-xa",
        "TCKH",
        "Luật Hợp tác xã năm 2012; Nghị định số 193/2013/NĐ-CP; Thông tư số 07/2019/TT-BKHĐT.",
        (orig("Giấy đề nghị theo mẫu"), orig("Nghị quyết của đại hội thành viên")),
        "Giấy chứng nhận đăng ký hợp tác xã",
        (
            e("", "Đăng ký thành lập hợp tác xã", 5),
            e(
                "",
                "Đăng ký thành lập chi nhánh, văn phòng đại diện, địa điểm kinh doanh của hợp "
                "tác xã",
                3,
            ),
            e(
                "",
                "Đăng ký thay đổi tên, địa chỉ trụ sở chính, ngành, nghề sản xuất, kinh doanh, "
                "vốn điều lệ, người đại diện theo pháp luật của hợp tác xã",
                3,
            ),
            e("", "Đăng ký khi hợp tác xã chia", 5),
            e("", "Đăng ký khi hợp tác xã tách", 5),
            e("", "Đăng ký khi hợp tác xã hợp nhất", 5),
            e("", "Đăng ký khi hợp tác xã sáp nhập", 5),
            e("", "Cấp lại giấy chứng nhận đăng ký hợp tác xã", 3),
            e("", "Giải thể tự nguyện hợp tác xã", 5),
            e("", "Thông báo thay đổi nội dung đăng ký hợp tác xã", 3),
            e(
                "",
                "Tạm ngừng hoạt động của hợp tác xã, chi nhánh, văn phòng đại diện, địa điểm "
                "kinh doanh của hợp tác xã",
                3,
            ),
            e(
                "",
                "Chấm dứt hoạt động của chi nhánh, văn phòng đại diện, địa điểm kinh doanh của "
                "hợp tác xã",
                3,
            ),
            e("", "Cấp đổi giấy chứng nhận đăng ký hợp tác xã", 3),
            e("", "Thay đổi cơ quan đăng ký hợp tác xã", 5),
        ),
        signer="division",
    ),
    Block(
        "district",
        "bao-tro-xa-hoi",
        "LDTBXH",
        "Nghị định số 20/2021/NĐ-CP; Nghị định số 103/2017/NĐ-CP.",
        (orig("Tờ khai hoặc đơn đề nghị theo mẫu"), copy("Giấy tờ chứng minh đối tượng")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e(
                "1.001776",
                "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí "
                "chăm sóc, nuôi dưỡng hằng tháng",
                20,
                docs=(
                    orig("Tờ khai đề nghị trợ giúp xã hội theo mẫu"),
                    copy("Giấy xác nhận khuyết tật (đối với người khuyết tật)", mandatory=False),
                ),
                result="Quyết định trợ cấp xã hội hằng tháng",
            ),
            e(
                "",
                "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ "
                "giúp xã hội cấp huyện",
                10,
            ),
            e(
                "",
                "Đăng ký thành lập, đăng ký thay đổi nội dung hoặc cấp lại giấy chứng nhận đăng "
                "ký thành lập đối với cơ sở trợ giúp xã hội ngoài công lập thuộc thẩm quyền "
                "của Phòng Lao động - Thương binh và Xã hội",
                5,
            ),
            e(
                "",
                "Cấp, cấp lại, điều chỉnh giấy phép hoạt động đối với cơ sở trợ giúp xã hội có "
                "giấy chứng nhận đăng ký thành lập do Phòng Lao động - Thương binh và Xã hội cấp",
                15,
            ),
            e(
                "",
                "Giải thể cơ sở trợ giúp xã hội ngoài công lập thuộc thẩm quyền thành lập của "
                "Phòng Lao động - Thương binh và Xã hội",
                15,
            ),
            e("", "Dừng trợ giúp xã hội tại cơ sở trợ giúp xã hội cấp huyện", 5),
        ),
    ),
    Block(
        "district",
        "nguoi-co-cong",
        "LDTBXH",
        "Pháp lệnh Ưu đãi người có công với cách mạng năm 2020; Nghị định số 131/2021/NĐ-CP.",
        (orig("Tờ khai hoặc bản khai theo mẫu"), copy("Giấy tờ làm căn cứ xác nhận")),
        "Quyết định giải quyết chế độ",
        (
            e(
                "",
                "Hưởng mai táng phí, trợ cấp một lần khi người có công với cách mạng đang hưởng "
                "trợ cấp ưu đãi từ trần",
                15,
                process="ncc",
            ),
            e("", "Giải quyết chế độ ưu đãi đối với Bà mẹ Việt Nam anh hùng", 15, process="ncc"),
            e("", "Giải quyết chế độ đối với thân nhân liệt sĩ", 15, process="ncc"),
            e(
                "",
                "Giải quyết chế độ người hoạt động kháng chiến bị nhiễm chất độc hóa học",
                15,
                process="ncc",
            ),
            e(
                "",
                "Giải quyết chế độ ưu đãi đối với con đẻ của người hoạt động kháng chiến bị "
                "nhiễm chất độc hóa học",
                15,
                process="ncc",
            ),
            e(
                "",
                "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú",
                15,
                process="ncc",
            ),
            e(
                "",
                "Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công",
                15,
                process="ncc",
            ),
            e("", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 12),
            e(
                "",
                "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ",
                5,
            ),
            e(
                "",
                "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình; đi điều "
                "trị phục hồi chức năng",
                10,
            ),
            e(
                "",
                "Giải quyết trợ cấp một lần đối với người có thành tích tham gia kháng chiến đã "
                "được tặng Bằng khen",
                20,
            ),
            e(
                "",
                "Giải quyết chế độ trợ cấp một lần đối với người được cử làm chuyên gia sang "
                "giúp Lào, Căm-pu-chi-a",
                20,
            ),
            e("", "Giải quyết chế độ mai táng phí đối với cựu chiến binh", 10),
        ),
    ),
    Block(
        "district",
        "tre-em",
        "LDTBXH",
        "Luật Trẻ em năm 2016; Nghị định số 56/2017/NĐ-CP.",
        (orig("Văn bản đề nghị"), copy("Giấy tờ liên quan đến trẻ em")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e("", "Chấm dứt việc chăm sóc thay thế cho trẻ em", 10),
            e(
                "",
                "Chuyển trẻ em đang được chăm sóc thay thế tại cơ sở trợ giúp xã hội đến cá "
                "nhân, gia đình nhận chăm sóc thay thế",
                15,
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "giao-duc-dao-tao",
        "GDDT",
        "Luật Giáo dục năm 2019; Nghị định số 46/2017/NĐ-CP; Nghị định số 135/2018/NĐ-CP.",
        (orig("Tờ trình hoặc đơn đề nghị"), copy("Đề án hoặc hồ sơ minh chứng")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e(
                "",
                "Thành lập trường mầm non công lập, cho phép thành lập trường mầm non dân lập, "
                "tư thục",
                20,
            ),
            e("", "Cho phép trường mầm non hoạt động giáo dục", 20),
            e("", "Cho phép trường mầm non hoạt động giáo dục trở lại", 20),
            e("", "Sáp nhập, chia, tách trường mầm non", 20),
            e("", "Giải thể trường mầm non theo đề nghị của tổ chức, cá nhân thành lập trường", 20),
            e(
                "",
                "Thành lập trường tiểu học công lập, cho phép thành lập trường tiểu học tư thục",
                20,
            ),
            e("", "Cho phép trường tiểu học hoạt động giáo dục", 20),
            e("", "Cho phép trường tiểu học hoạt động giáo dục trở lại", 20),
            e("", "Sáp nhập, chia, tách trường tiểu học", 20),
            e(
                "",
                "Giải thể trường tiểu học theo đề nghị của tổ chức, cá nhân thành lập trường",
                20,
            ),
            e(
                "",
                "Thành lập trường trung học cơ sở công lập, cho phép thành lập trường trung học "
                "cơ sở tư thục",
                20,
            ),
            e("", "Cho phép trường trung học cơ sở hoạt động giáo dục", 20),
            e("", "Cho phép trường trung học cơ sở hoạt động giáo dục trở lại", 20),
            e("", "Sáp nhập, chia, tách trường trung học cơ sở", 20),
            e(
                "",
                "Giải thể trường trung học cơ sở theo đề nghị của tổ chức, cá nhân thành lập "
                "trường",
                20,
            ),
            e("", "Thành lập trung tâm học tập cộng đồng", 15),
            e("", "Cho phép trung tâm học tập cộng đồng hoạt động trở lại", 15),
            e(
                "",
                "Chuyển trường đối với học sinh trung học cơ sở",
                3,
                signer="division",
                result="Văn bản đồng ý tiếp nhận học sinh",
            ),
            e(
                "",
                "Tuyển sinh trung học cơ sở",
                10,
                result="Quyết định phê duyệt kết quả tuyển sinh",
            ),
            e(
                "",
                "Xét, duyệt chính sách hỗ trợ đối với học sinh bán trú đang học tại các trường "
                "tiểu học, trung học cơ sở ở xã, thôn đặc biệt khó khăn",
                10,
            ),
            e("", "Hỗ trợ ăn trưa đối với trẻ em mẫu giáo", 10),
            e("", "Công nhận xã đạt chuẩn phổ cập giáo dục, xóa mù chữ", 20),
            e(
                "",
                "Cấp giấy phép tổ chức hoạt động dạy thêm, học thêm đối với cấp trung học cơ sở",
                10,
                signer="division",
            ),
        ),
        online=PARTIAL,
    ),
    Block(
        "district",
        "van-hoa-co-so",
        "VHTT",
        "Nghị định số 54/2019/NĐ-CP (karaoke); Nghị định số 122/2018/NĐ-CP; "
        "Nghị định số 110/2018/NĐ-CP (lễ hội).",
        (orig("Văn bản đề nghị theo mẫu"), copy("Giấy tờ chứng minh điều kiện")),
        "Giấy phép hoặc quyết định công nhận",
        (
            e(
                "",
                "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
                5,
                docs=(
                    orig("Đơn đề nghị cấp giấy phép kinh doanh dịch vụ karaoke theo mẫu"),
                    copy("Bản sao Giấy chứng nhận đăng ký kinh doanh"),
                    copy("Bản sao Giấy chứng nhận thẩm duyệt thiết kế về phòng cháy và chữa cháy"),
                ),
            ),
            e("", "Cấp Giấy phép điều chỉnh Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", 5),
            e(
                "",
                "Công nhận lần đầu “Cơ quan đạt chuẩn văn hóa”, “Đơn vị đạt chuẩn văn hóa”, "
                "“Doanh nghiệp đạt chuẩn văn hóa”",
                20,
            ),
            e(
                "",
                "Xét tặng danh hiệu “Thôn văn hóa”, “Làng văn hóa”, “Tổ dân phố văn hóa”",
                20,
            ),
            e("", "Xét tặng Giấy khen “Thôn văn hóa”, “Tổ dân phố văn hóa”", 20),
            e("", "Công nhận “Xã đạt chuẩn văn hóa nông thôn mới”", 20),
            e("", "Công nhận “Thị trấn đạt chuẩn văn minh đô thị”", 20),
            e("", "Đăng ký tổ chức lễ hội cấp huyện", 15),
            e("", "Thông báo tổ chức lễ hội cấp huyện", 5),
        ),
    ),
    Block(
        "district",
        "thu-vien",
        "VHTT",
        "Luật Thư viện năm 2019; Nghị định số 93/2020/NĐ-CP.",
        (orig("Văn bản thông báo theo mẫu"),),
        "Văn bản xác nhận",
        (e("", "Thông báo thành lập thư viện ngoài công lập cấp huyện", 10),),
    ),
    Block(
        "district",
        "thong-tin-dien-tu",
        "VHTT",
        "Nghị định số 72/2013/NĐ-CP; Nghị định số 27/2018/NĐ-CP.",
        (orig("Đơn đề nghị theo mẫu"), copy("Giấy chứng nhận đăng ký kinh doanh")),
        "Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện tử công cộng",
        (
            e(
                "",
                "Cấp Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi điện "
                "tử công cộng",
                5,
            ),
            e(
                "",
                "Sửa đổi, bổ sung Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ "
                "trò chơi điện tử công cộng",
                5,
            ),
            e(
                "",
                "Gia hạn Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi "
                "điện tử công cộng",
                5,
            ),
            e(
                "",
                "Cấp lại Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi "
                "điện tử công cộng",
                5,
            ),
        ),
        online=FULL,
        signer="division",
    ),
    Block(
        "district",
        "thi-dua-khen-thuong",
        "NV",
        "Luật Thi đua, khen thưởng năm 2022; Nghị định số 98/2023/NĐ-CP.",
        (orig("Tờ trình đề nghị khen thưởng"), orig("Báo cáo thành tích")),
        "Quyết định khen thưởng",
        (
            e("", "Tặng danh hiệu Lao động tiên tiến", 20),
            e("", "Tặng danh hiệu Chiến sĩ thi đua cơ sở", 20),
            e("", "Tặng danh hiệu Tập thể lao động tiên tiến", 20),
            e(
                "",
                "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện về thực hiện nhiệm vụ "
                "chính trị",
                20,
            ),
            e("", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện theo đợt, chuyên đề", 20),
            e(
                "",
                "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện về thành tích đột xuất",
                5,
            ),
            e("", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện cho gia đình", 20),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "tin-nguong-ton-giao",
        "NV",
        "Luật Tín ngưỡng, tôn giáo năm 2016; Nghị định số 95/2023/NĐ-CP.",
        (orig("Văn bản đề nghị hoặc thông báo theo mẫu"),),
        "Văn bản chấp thuận",
        (
            e(
                "",
                "Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động tôn "
                "giáo ở nhiều xã thuộc một huyện",
                20,
            ),
            e(
                "",
                "Thông báo danh mục hoạt động tôn giáo bổ sung đối với tổ chức có địa bàn hoạt "
                "động tôn giáo ở nhiều xã thuộc một huyện",
                20,
            ),
            e(
                "",
                "Thông báo tổ chức hội nghị thường niên của tổ chức tôn giáo, tổ chức tôn giáo "
                "trực thuộc có địa bàn hoạt động ở một huyện",
                15,
            ),
            e(
                "",
                "Đề nghị tổ chức đại hội của tổ chức tôn giáo, tổ chức tôn giáo trực thuộc có "
                "địa bàn hoạt động ở một huyện",
                20,
            ),
            e(
                "",
                "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo, địa điểm hợp pháp đã đăng ký có "
                "quy mô tổ chức ở một huyện",
                15,
            ),
            e(
                "",
                "Đề nghị giảng đạo ngoài địa bàn phụ trách, cơ sở tôn giáo, địa điểm hợp pháp đã "
                "đăng ký có quy mô tổ chức ở một huyện",
                15,
            ),
            e(
                "",
                "Thông báo tổ chức quyên góp ngoài địa bàn một xã nhưng trong địa bàn một huyện "
                "của cơ sở tín ngưỡng, tổ chức tôn giáo",
                10,
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "to-chuc-hoi",
        "NV",
        "Nghị định số 45/2010/NĐ-CP; Nghị định số 33/2012/NĐ-CP; Thông tư số 03/2013/TT-BNV.",
        (orig("Đơn đề nghị"), orig("Dự thảo điều lệ hoặc nghị quyết của đại hội")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e("", "Công nhận ban vận động thành lập hội", 15),
            e("", "Thành lập hội", 30),
            e("", "Phê duyệt điều lệ hội", 30),
            e("", "Chia, tách; sáp nhập; hợp nhất hội", 30),
            e("", "Đổi tên hội", 30),
            e("", "Hội tự giải thể", 15),
            e("", "Báo cáo tổ chức đại hội nhiệm kỳ, đại hội bất thường của hội", 15),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "quy-xa-hoi",
        "NV",
        "Nghị định số 93/2019/NĐ-CP.",
        (orig("Đơn đề nghị"), orig("Dự thảo điều lệ quỹ")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e("", "Cấp giấy phép thành lập và công nhận điều lệ quỹ", 30),
            e(
                "",
                "Công nhận quỹ đủ điều kiện hoạt động và công nhận thành viên hội đồng quản lý quỹ",
                15,
            ),
            e("", "Thay đổi giấy phép thành lập và công nhận điều lệ quỹ", 15),
            e("", "Cấp lại giấy phép thành lập và công nhận điều lệ quỹ", 15),
            e("", "Hợp nhất, sáp nhập, chia, tách quỹ", 30),
            e("", "Đổi tên quỹ", 15),
            e("", "Quỹ tự giải thể", 15),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "khieu-nai",
        "TTr",
        "Luật Khiếu nại năm 2011; Nghị định số 124/2020/NĐ-CP.",
        (orig("Đơn khiếu nại"), copy("Tài liệu, chứng cứ kèm theo", mandatory=False)),
        "Quyết định giải quyết khiếu nại",
        (
            e("", "Giải quyết khiếu nại lần đầu tại cấp huyện", 30),
            e("", "Giải quyết khiếu nại lần hai tại cấp huyện", 45),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "to-cao",
        "TTr",
        "Luật Tố cáo năm 2018; Nghị định số 31/2019/NĐ-CP.",
        (orig("Đơn tố cáo"), copy("Tài liệu, chứng cứ kèm theo", mandatory=False)),
        "Kết luận nội dung tố cáo",
        (e("", "Giải quyết tố cáo tại cấp huyện", 30),),
        online=NONE,
    ),
    Block(
        "district",
        "tiep-cong-dan",
        "TTr",
        "Luật Tiếp công dân năm 2013; Nghị định số 64/2014/NĐ-CP.",
        (anyform("Giấy tờ tùy thân của người đến trình bày"),),
        "Văn bản trả lời hoặc hướng dẫn",
        (e("", "Tiếp công dân tại cấp huyện", 0),),
        online=NONE,
    ),
    Block(
        "district",
        "xu-ly-don",
        "TTr",
        "Luật Khiếu nại năm 2011; Luật Tố cáo năm 2018; Thông tư số 05/2021/TT-TTCP.",
        (orig("Đơn khiếu nại, tố cáo, kiến nghị, phản ánh"),),
        "Văn bản thụ lý, hướng dẫn hoặc chuyển đơn",
        (e("", "Xử lý đơn tại cấp huyện", 10),),
        online=NONE,
    ),
    Block(
        "district",
        "nong-nghiep",
        "NN",
        "Luật Phòng, chống thiên tai năm 2013; Nghị định số 02/2017/NĐ-CP; "
        "Nghị định số 83/2018/NĐ-CP (khuyến nông).",
        (orig("Văn bản đề nghị"), copy("Danh sách, biên bản xác nhận thiệt hại")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e("", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai", 15),
            e("", "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do dịch bệnh", 15),
            e("", "Phê duyệt kế hoạch khuyến nông địa phương", 15),
            e(
                "",
                "Thẩm định, phê duyệt phương án ứng phó với tình huống khẩn cấp thuộc thẩm quyền "
                "của Ủy ban nhân dân cấp huyện",
                15,
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "lam-nghiep",
        "NN",
        "Luật Lâm nghiệp năm 2017; Nghị định số 156/2018/NĐ-CP.",
        (orig("Đơn đề nghị theo mẫu"), copy("Hồ sơ thiết kế hoặc phương án")),
        "Quyết định của Chủ tịch UBND huyện",
        (
            e("", "Giao rừng, cho thuê rừng đối với hộ gia đình, cá nhân, cộng đồng dân cư", 30),
            e(
                "",
                "Thu hồi rừng của hộ gia đình, cá nhân, cộng đồng dân cư tự nguyện trả lại rừng",
                20,
            ),
            e(
                "",
                "Phê duyệt, điều chỉnh thiết kế, dự toán công trình lâm sinh thuộc dự án do Chủ "
                "tịch UBND cấp huyện quyết định đầu tư",
                20,
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "thuy-loi",
        "NN",
        "Luật Thủy lợi năm 2017; Nghị định số 67/2018/NĐ-CP.",
        (orig("Tờ trình đề nghị phê duyệt"), copy("Dự thảo quy trình hoặc phương án")),
        "Quyết định phê duyệt",
        (
            e(
                "",
                "Phê duyệt, điều chỉnh quy trình vận hành đối với công trình thủy lợi vừa và nhỏ "
                "do Ủy ban nhân dân cấp huyện quản lý",
                20,
            ),
            e(
                "",
                "Thẩm định, phê duyệt phương án ứng phó thiên tai cho công trình, vùng hạ du đập "
                "trong quá trình thi công thuộc thẩm quyền của Ủy ban nhân dân cấp huyện",
                20,
            ),
        ),
        online=NONE,
    ),
    Block(
        "district",
        "chat-luong-nong-lam-thuy-san",
        "NN",
        "Luật An toàn thực phẩm năm 2010; Thông tư số 38/2018/TT-BNNPTNT.",
        (orig("Đơn đề nghị cấp Giấy chứng nhận theo mẫu"), copy("Bản thuyết minh điều kiện")),
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        (
            e(
                "",
                "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, "
                "kinh doanh nông, lâm, thủy sản",
                15,
            ),
            e(
                "",
                "Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản "
                "xuất, kinh doanh nông, lâm, thủy sản",
                10,
            ),
        ),
        signer="division",
    ),
)

COMMUNE_BLOCKS: tuple[Block, ...] = (
    Block(
        "commune",
        "ho-tich",
        "Công chức Tư pháp - Hộ tịch",
        HO_TICH,
        (orig("Tờ khai theo mẫu quy định"), copy("Giấy tờ làm căn cứ đăng ký hộ tịch"), PROXY),
        "Trích lục hộ tịch",
        (
            e(
                "1.001193",
                "Đăng ký khai sinh",
                0,
                docs=(
                    orig("Tờ khai đăng ký khai sinh theo mẫu"),
                    orig(
                        "Giấy chứng sinh; nếu không có, văn bản của người làm chứng hoặc giấy "
                        "cam đoan về việc sinh"
                    ),
                    orig(
                        "Biên bản xác nhận việc trẻ bị bỏ rơi (đối với trẻ em bị bỏ rơi)",
                        mandatory=False,
                    ),
                    PROXY,
                ),
                result="Giấy khai sinh (bản chính)",
                online=FULL,
            ),
            e(
                "1.000894",
                "Đăng ký kết hôn",
                0,
                docs=(
                    orig("Tờ khai đăng ký kết hôn theo mẫu"),
                    orig(
                        "Giấy xác nhận tình trạng hôn nhân (trường hợp đăng ký kết hôn tại nơi "
                        "không thường trú)",
                        mandatory=False,
                    ),
                    copy(
                        "Trích lục ghi chú ly hôn (công dân đã ly hôn ở nước ngoài)",
                        mandatory=False,
                    ),
                ),
                result="Giấy chứng nhận kết hôn",
            ),
            e(
                "1.000656",
                "Đăng ký khai tử",
                0,
                docs=(
                    orig("Tờ khai đăng ký khai tử theo mẫu"),
                    orig("Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử"),
                    PROXY,
                ),
                result="Trích lục khai tử",
                online=FULL,
            ),
            e(
                "1.001022",
                "Đăng ký nhận cha, mẹ, con",
                3,
                docs=(
                    orig("Tờ khai đăng ký nhận cha, mẹ, con theo mẫu"),
                    orig("Chứng cứ chứng minh quan hệ cha, mẹ, con"),
                ),
                result="Trích lục đăng ký nhận cha, mẹ, con",
            ),
            e(
                "1.000689",
                "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
                3,
                docs=(
                    orig("Tờ khai đăng ký khai sinh và Tờ khai đăng ký nhận cha, mẹ, con"),
                    orig("Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh"),
                    orig("Chứng cứ chứng minh quan hệ cha, mẹ, con"),
                ),
                result="Giấy khai sinh và Trích lục đăng ký nhận cha, mẹ, con",
            ),
            e("", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", 3),
            e(
                "1.004837",
                "Đăng ký giám hộ",
                3,
                docs=(
                    orig("Tờ khai đăng ký giám hộ theo mẫu"),
                    orig("Văn bản cử người giám hộ hoặc giấy tờ chứng minh điều kiện giám hộ"),
                ),
                result="Trích lục đăng ký giám hộ",
            ),
            e(
                "1.004845",
                "Đăng ký chấm dứt giám hộ",
                2,
                docs=(
                    orig("Tờ khai đăng ký chấm dứt giám hộ theo mẫu"),
                    orig("Giấy tờ làm căn cứ chấm dứt việc giám hộ"),
                ),
                result="Trích lục đăng ký chấm dứt giám hộ",
            ),
            e("", "Đăng ký thay đổi giám hộ", 3),
            e(
                "1.004873",
                "Cấp Giấy xác nhận tình trạng hôn nhân",
                3,
                docs=(
                    orig("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu"),
                    copy(
                        "Giấy tờ chứng minh việc ly hôn hoặc người kia đã chết (nếu đã có "
                        "vợ, chồng)",
                        mandatory=False,
                    ),
                ),
                result="Giấy xác nhận tình trạng hôn nhân",
            ),
            e(
                "1.004884",
                "Đăng ký lại khai sinh",
                5,
                docs=(
                    orig("Tờ khai đăng ký lại khai sinh theo mẫu"),
                    copy("Bản sao Giấy khai sinh hoặc giấy tờ có thông tin khai sinh"),
                ),
                result="Giấy khai sinh (bản chính)",
            ),
            e("", "Đăng ký lại kết hôn", 5, result="Giấy chứng nhận kết hôn"),
            e(
                "1.005461",
                "Đăng ký lại khai tử",
                5,
                docs=(
                    orig("Tờ khai đăng ký lại khai tử theo mẫu"),
                    copy("Bản sao giấy tờ liên quan đến việc khai tử"),
                ),
                result="Trích lục khai tử",
            ),
            e("", "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", 3),
            e(
                "2.000635",
                "Cấp bản sao Trích lục hộ tịch",
                0,
                fees=(FeeData("Lệ phí cấp bản sao trích lục hộ tịch (đồng/bản sao)", 8_000),),
                docs=(orig("Tờ khai cấp bản sao trích lục hộ tịch theo mẫu"), PROXY),
                result="Bản sao trích lục hộ tịch",
                online=FULL,
            ),
            e(
                "1.000593",
                "Đăng ký kết hôn lưu động",
                5,
                docs=(orig("Tờ khai đăng ký kết hôn theo mẫu"),),
                result="Giấy chứng nhận kết hôn",
            ),
            e(
                "1.000419",
                "Đăng ký khai tử lưu động",
                5,
                docs=(orig("Tờ khai đăng ký khai tử theo mẫu"), orig("Giấy báo tử")),
                result="Trích lục khai tử",
            ),
            e("", "Đăng ký khai sinh lưu động", 5, result="Giấy khai sinh (bản chính)"),
            e(
                "",
                "Ghi vào Sổ hộ tịch việc thay đổi hộ tịch theo bản án, quyết định của cơ quan nhà "
                "nước có thẩm quyền",
                3,
            ),
            e(
                "",
                "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ "
                "bảo hiểm y tế cho trẻ em dưới 6 tuổi",
                10,
                online=FULL,
            ),
            e(
                "",
                "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng "
                "chế độ tử tuất, hỗ trợ chi phí mai táng",
                10,
                online=FULL,
            ),
        ),
    ),
    Block(
        "commune",
        "nuoi-con-nuoi",
        "Công chức Tư pháp - Hộ tịch",
        "Luật Nuôi con nuôi năm 2010; Nghị định số 19/2011/NĐ-CP; Nghị định số 24/2019/NĐ-CP; "
        "Nghị định số 114/2016/NĐ-CP (lệ phí).",
        (orig("Đơn xin nhận con nuôi theo mẫu"), copy("Giấy khai sinh của người được nhận")),
        "Giấy chứng nhận nuôi con nuôi",
        (
            e(
                "2.001263",
                "Đăng ký việc nuôi con nuôi trong nước",
                30,
                fees=(FeeData("Lệ phí đăng ký nuôi con nuôi trong nước", 400_000),),
                docs=(
                    orig("Đơn xin nhận con nuôi theo mẫu"),
                    copy("Bản sao Giấy khai sinh của người được giới thiệu làm con nuôi"),
                    orig("Giấy khám sức khỏe của người được giới thiệu làm con nuôi"),
                    orig("Phiếu lý lịch tư pháp của người nhận con nuôi"),
                ),
            ),
            e("", "Đăng ký lại việc nuôi con nuôi trong nước", 5),
        ),
    ),
    Block(
        "commune",
        "chung-thuc",
        "Công chức Tư pháp - Hộ tịch",
        CHUNG_THUC,
        (orig("Bản chính giấy tờ, văn bản"), anyform("Giấy tờ tùy thân")),
        "Giấy tờ, văn bản đã được chứng thực",
        (
            e(
                "2.000815",
                "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm "
                "quyền của Việt Nam cấp hoặc chứng nhận",
                0,
                fees=(
                    FeeData(
                        "Phí chứng thực bản sao từ bản chính (đồng/trang; từ trang thứ ba "
                        "1.000 đồng/trang, tối đa 200.000 đồng/bản)",
                        2_000,
                    ),
                ),
                docs=(
                    orig("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao"),
                    copy("Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)", mandatory=False),
                ),
                result="Bản sao được chứng thực từ bản chính",
                online=FULL,
            ),
            e(
                "2.000884",
                "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng "
                "thực điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể "
                "điểm chỉ được)",
                0,
                fees=(FeeData("Phí chứng thực chữ ký (đồng/trường hợp)", 10_000),),
                docs=(
                    anyform("Giấy tờ tùy thân còn giá trị sử dụng"),
                    orig("Giấy tờ, văn bản mà mình sẽ ký"),
                ),
                result="Giấy tờ, văn bản đã được chứng thực chữ ký",
            ),
            e(
                "2.001035",
                "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng "
                "đất và nhà ở",
                2,
                fees=(FeeData("Phí chứng thực hợp đồng, giao dịch (đồng/hợp đồng)", 50_000),),
                docs=(
                    orig("Dự thảo hợp đồng, giao dịch"),
                    copy("Bản sao giấy tờ tùy thân của người yêu cầu chứng thực"),
                    copy(
                        "Bản sao giấy chứng nhận quyền sở hữu, quyền sử dụng hoặc giấy tờ thay "
                        "thế đối với tài sản phải đăng ký quyền sở hữu, quyền sử dụng"
                    ),
                ),
                result="Hợp đồng, giao dịch đã được chứng thực",
            ),
            e(
                "2.001019",
                "Chứng thực di chúc",
                2,
                fees=(FeeData("Phí chứng thực di chúc (đồng/di chúc)", 50_000),),
                docs=(
                    orig("Dự thảo di chúc"),
                    copy("Bản sao giấy tờ tùy thân của người lập di chúc"),
                ),
                result="Di chúc đã được chứng thực",
            ),
            e(
                "",
                "Chứng thực văn bản từ chối nhận di sản",
                2,
                fees=(FeeData("Phí chứng thực văn bản từ chối nhận di sản", 50_000),),
            ),
            e(
                "",
                "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử "
                "dụng đất, nhà ở",
                2,
                fees=(FeeData("Phí chứng thực văn bản thỏa thuận phân chia di sản", 50_000),),
            ),
            e(
                "",
                "Chứng thực văn bản khai nhận di sản mà di sản là động sản, quyền sử dụng đất, "
                "nhà ở",
                2,
                fees=(FeeData("Phí chứng thực văn bản khai nhận di sản", 50_000),),
            ),
            e(
                "",
                "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
                2,
                fees=(FeeData("Phí chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng", 30_000),),
            ),
            e(
                "",
                "Sửa lỗi sai sót trong hợp đồng, giao dịch",
                2,
                fees=(FeeData("Phí sửa lỗi sai sót trong hợp đồng, giao dịch", 25_000),),
            ),
            e(
                "",
                "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
                0,
                fees=(FeeData("Phí cấp bản sao có chứng thực (đồng/trang)", 2_000),),
            ),
        ),
        online=PARTIAL,
    ),
    Block(
        "commune",
        "hoa-giai-co-so",
        "Công chức Tư pháp - Hộ tịch",
        "Luật Hòa giải ở cơ sở năm 2013; Nghị định số 15/2014/NĐ-CP.",
        (orig("Văn bản đề nghị"), orig("Biên bản bầu hoặc danh sách kèm theo")),
        "Quyết định của Chủ tịch UBND xã",
        (
            e("", "Công nhận hòa giải viên", 5),
            e("2.000950", "Công nhận tổ trưởng tổ hòa giải", 5),
            e("2.000930", "Thôi làm hòa giải viên", 5),
            e(
                "",
                "Thanh toán thù lao cho hòa giải viên",
                5,
                result="Quyết định thanh toán thù lao",
            ),
            e(
                "",
                "Thực hiện hỗ trợ khi hòa giải viên gặp tai nạn hoặc rủi ro ảnh hưởng đến sức "
                "khỏe, tính mạng trong khi thực hiện hoạt động hòa giải",
                5,
            ),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "pho-bien-giao-duc-phap-luat",
        "Công chức Tư pháp - Hộ tịch",
        "Luật Phổ biến, giáo dục pháp luật năm 2012.",
        (orig("Văn bản đề nghị của trưởng thôn, tổ trưởng tổ dân phố"),),
        "Quyết định của Chủ tịch UBND xã",
        (
            e("", "Công nhận tuyên truyền viên pháp luật", 5),
            e("", "Cho thôi làm tuyên truyền viên pháp luật", 5),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "dat-dai",
        "Công chức Địa chính - Xây dựng",
        "Luật Đất đai năm 2013; Nghị định số 43/2014/NĐ-CP.",
        (orig("Đơn yêu cầu hòa giải tranh chấp đất đai"), copy("Giấy tờ có liên quan")),
        "Biên bản hòa giải tranh chấp đất đai",
        (e("", "Hòa giải tranh chấp đất đai", 45, online=NONE),),
    ),
    Block(
        "commune",
        "moi-truong",
        "Công chức Địa chính - Xây dựng",
        "Luật Bảo vệ môi trường năm 2020; Nghị định số 08/2022/NĐ-CP.",
        (orig("Văn bản đăng ký môi trường theo mẫu"),),
        "Văn bản tiếp nhận đăng ký môi trường",
        (e("", "Đăng ký môi trường (cấp xã)", 3),),
    ),
    Block(
        "commune",
        "bao-tro-xa-hoi",
        "Công chức Lao động - Thương binh và Xã hội",
        "Luật Người khuyết tật năm 2010; Thông tư số 01/2019/TT-BLĐTBXH; "
        "Nghị định số 20/2021/NĐ-CP.",
        (orig("Tờ khai hoặc đơn đề nghị theo mẫu"), copy("Giấy tờ chứng minh đối tượng")),
        "Quyết định của Chủ tịch UBND xã",
        (
            e(
                "1.001699",
                "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
                25,
                docs=(
                    orig("Đơn đề nghị xác định, xác định lại mức độ khuyết tật theo mẫu"),
                    copy(
                        "Bản sao giấy tờ liên quan đến khuyết tật (bệnh án, giấy tờ khám, điều "
                        "trị, phẫu thuật)",
                        mandatory=False,
                    ),
                ),
                result="Giấy xác nhận khuyết tật",
            ),
            e(
                "1.001653",
                "Đổi, cấp lại Giấy xác nhận khuyết tật",
                5,
                docs=(orig("Đơn đề nghị đổi, cấp lại Giấy xác nhận khuyết tật theo mẫu"),),
                result="Giấy xác nhận khuyết tật",
            ),
            e(
                "1.001731",
                "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
                3,
                docs=(
                    orig("Tờ khai đề nghị hỗ trợ chi phí mai táng theo mẫu"),
                    copy("Bản sao giấy chứng tử hoặc trích lục khai tử"),
                ),
                result="Quyết định hỗ trợ chi phí mai táng",
            ),
            e("", "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở", 10),
            e(
                "",
                "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng có hoàn cảnh "
                "khó khăn",
                5,
            ),
        ),
    ),
    Block(
        "commune",
        "giam-ngheo",
        "Công chức Lao động - Thương binh và Xã hội",
        "Nghị định số 07/2021/NĐ-CP; Quyết định số 24/2021/QĐ-TTg.",
        (orig("Giấy đề nghị theo mẫu"),),
        "Quyết định công nhận và Giấy chứng nhận",
        (
            e(
                "",
                "Công nhận hộ nghèo, hộ cận nghèo; hộ thoát nghèo, hộ thoát cận nghèo định kỳ "
                "hằng năm",
                30,
            ),
            e(
                "",
                "Công nhận hộ nghèo, hộ cận nghèo; hộ thoát nghèo, hộ thoát cận nghèo thường "
                "xuyên hằng năm",
                12,
            ),
            e(
                "",
                "Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống "
                "trung bình",
                10,
            ),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "tre-em",
        "Công chức Lao động - Thương binh và Xã hội",
        "Luật Trẻ em năm 2016; Nghị định số 56/2017/NĐ-CP.",
        (orig("Văn bản đề nghị hoặc thông báo"),),
        "Quyết định của Chủ tịch UBND xã",
        (
            e(
                "",
                "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi "
                "trường hoặc người gây tổn hại cho trẻ em",
                1,
            ),
            e(
                "",
                "Đăng ký nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia "
                "đình nhận chăm sóc thay thế không phải là người thân thích của trẻ em",
                15,
            ),
            e(
                "",
                "Thông báo nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia "
                "đình nhận chăm sóc thay thế là người thân thích của trẻ em",
                5,
            ),
            e(
                "",
                "Phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em bị xâm hại hoặc có nguy cơ "
                "bị bạo lực, bóc lột, bỏ rơi và trẻ em có hoàn cảnh đặc biệt",
                10,
            ),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "phong-chong-te-nan-xa-hoi",
        "Công chức Lao động - Thương binh và Xã hội",
        "Luật Phòng, chống ma túy năm 2021; Nghị định số 116/2021/NĐ-CP.",
        (orig("Đơn đăng ký cai nghiện ma túy tự nguyện theo mẫu"),),
        "Văn bản xác nhận đăng ký cai nghiện",
        (e("", "Đăng ký cai nghiện ma túy tự nguyện", 3),),
        online=NONE,
    ),
    Block(
        "commune",
        "nguoi-co-cong",
        "Công chức Lao động - Thương binh và Xã hội",
        "Pháp lệnh Ưu đãi người có công với cách mạng năm 2020; Nghị định số 131/2021/NĐ-CP.",
        (orig("Đơn đề nghị theo mẫu"),),
        "Đơn đã được xác nhận",
        (
            e(
                "",
                "Xác nhận vào đơn đề nghị di chuyển hài cốt liệt sĩ; đơn đề nghị thăm viếng mộ "
                "liệt sĩ",
                5,
            ),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "van-hoa-co-so",
        "Công chức Văn hóa - Xã hội",
        "Nghị định số 122/2018/NĐ-CP; Nghị định số 110/2018/NĐ-CP (lễ hội).",
        (orig("Văn bản đề nghị hoặc thông báo"),),
        "Quyết định hoặc văn bản chấp thuận của UBND xã",
        (
            e("", "Xét tặng danh hiệu “Gia đình văn hóa” hằng năm", 10),
            e("", "Xét tặng Giấy khen “Gia đình văn hóa”", 10),
            e("", "Đăng ký tổ chức lễ hội cấp xã", 10),
            e("", "Thông báo tổ chức lễ hội cấp xã", 5),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "thu-vien",
        "Công chức Văn hóa - Xã hội",
        "Luật Thư viện năm 2019; Nghị định số 93/2020/NĐ-CP.",
        (orig("Văn bản thông báo theo mẫu"),),
        "Văn bản xác nhận",
        (
            e("", "Thông báo thành lập thư viện đối với thư viện cộng đồng", 5),
            e(
                "",
                "Thông báo sáp nhập, hợp nhất, chia, tách thư viện đối với thư viện cộng đồng",
                5,
            ),
            e("", "Thông báo chấm dứt hoạt động thư viện cộng đồng", 5),
        ),
    ),
    Block(
        "commune",
        "the-duc-the-thao",
        "Công chức Văn hóa - Xã hội",
        "Luật Thể dục, thể thao năm 2006, sửa đổi, bổ sung năm 2018.",
        (orig("Đơn đề nghị công nhận"), orig("Danh sách hội viên và quy chế hoạt động")),
        "Quyết định công nhận",
        (e("", "Công nhận câu lạc bộ thể thao cơ sở", 7),),
        online=NONE,
    ),
    Block(
        "commune",
        "thi-dua-khen-thuong",
        "Công chức Văn phòng - Thống kê",
        "Luật Thi đua, khen thưởng năm 2022; Nghị định số 98/2023/NĐ-CP.",
        (orig("Tờ trình đề nghị khen thưởng"), orig("Báo cáo thành tích")),
        "Quyết định khen thưởng",
        (
            e(
                "",
                "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thực hiện nhiệm vụ chính "
                "trị",
                20,
            ),
            e("", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã theo đợt, chuyên đề", 20),
            e("", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích đột xuất", 5),
            e("", "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình", 20),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "tin-nguong-ton-giao",
        "Công chức Văn hóa - Xã hội",
        "Luật Tín ngưỡng, tôn giáo năm 2016; Nghị định số 95/2023/NĐ-CP.",
        (orig("Văn bản đăng ký hoặc thông báo theo mẫu"),),
        "Văn bản chấp thuận của UBND xã",
        (
            e("", "Đăng ký hoạt động tín ngưỡng", 15),
            e("", "Đăng ký bổ sung hoạt động tín ngưỡng", 15),
            e("", "Đăng ký sinh hoạt tôn giáo tập trung", 20),
            e(
                "",
                "Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động tôn "
                "giáo ở một xã",
                15,
            ),
            e(
                "",
                "Thông báo danh mục hoạt động tôn giáo bổ sung đối với tổ chức có địa bàn hoạt "
                "động tôn giáo ở một xã",
                15,
            ),
            e("", "Đăng ký thay đổi người đại diện của nhóm sinh hoạt tôn giáo tập trung", 15),
            e(
                "",
                "Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung trong địa bàn một xã",
                15,
            ),
            e("", "Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung đến địa bàn xã khác", 15),
            e("", "Thông báo về việc thay đổi địa điểm sinh hoạt tôn giáo tập trung", 10),
            e(
                "",
                "Thông báo tổ chức quyên góp trong địa bàn một xã của cơ sở tín ngưỡng, tổ chức "
                "tôn giáo, tổ chức tôn giáo trực thuộc",
                10,
            ),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "to-hop-tac",
        "Công chức Văn phòng - Thống kê",
        "Nghị định số 77/2019/NĐ-CP.",
        (orig("Thông báo theo mẫu"), orig("Hợp đồng hợp tác")),
        "Văn bản xác nhận",
        (
            e("", "Thông báo thành lập tổ hợp tác", 3),
            e("", "Thông báo thay đổi tổ hợp tác", 3),
            e("", "Thông báo chấm dứt hoạt động của tổ hợp tác", 3),
        ),
    ),
    Block(
        "commune",
        "giao-duc-dao-tao",
        "Công chức Văn hóa - Xã hội",
        "Nghị định số 46/2017/NĐ-CP; Nghị định số 135/2018/NĐ-CP.",
        (orig("Tờ trình đề nghị"), copy("Hồ sơ minh chứng điều kiện")),
        "Quyết định của Chủ tịch UBND xã",
        (
            e("", "Thành lập nhóm trẻ, lớp mẫu giáo độc lập", 20),
            e("", "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động giáo dục trở lại", 20),
            e("", "Sáp nhập, chia, tách nhóm trẻ, lớp mẫu giáo độc lập", 20),
            e(
                "",
                "Giải thể nhóm trẻ, lớp mẫu giáo độc lập theo yêu cầu của tổ chức, cá nhân đề "
                "nghị thành lập",
                20,
            ),
            e("", "Cho phép cơ sở giáo dục khác thực hiện chương trình giáo dục tiểu học", 20),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "nong-nghiep",
        "Công chức Địa chính - Nông nghiệp",
        "Luật Thủy lợi năm 2017; Luật Chăn nuôi năm 2018; Luật Lâm nghiệp năm 2017.",
        (orig("Văn bản đề nghị hoặc tờ khai theo mẫu"),),
        "Văn bản của UBND xã",
        (
            e(
                "",
                "Hỗ trợ đầu tư xây dựng phát triển thủy lợi nhỏ, thủy lợi nội đồng và tưới tiên "
                "tiến, tiết kiệm nước",
                15,
            ),
            e(
                "",
                "Thẩm định, phê duyệt phương án ứng phó với tình huống khẩn cấp thuộc thẩm quyền "
                "của Ủy ban nhân dân cấp xã",
                10,
            ),
            e("", "Đăng ký kê khai số lượng chăn nuôi tập trung và nuôi trồng thủy sản ban đầu", 5),
            e("", "Xác nhận bảng kê lâm sản", 3),
        ),
        online=NONE,
    ),
    Block(
        "commune",
        "luu-thong-hang-hoa",
        "Công chức Văn phòng - Thống kê",
        "Nghị định số 105/2017/NĐ-CP; Nghị định số 17/2020/NĐ-CP.",
        (orig("Bản đăng ký sản xuất rượu thủ công theo mẫu"),),
        "Văn bản xác nhận đăng ký",
        (
            e(
                "",
                "Đăng ký sản xuất rượu thủ công để bán cho doanh nghiệp có giấy phép sản xuất "
                "rượu để chế biến lại",
                7,
            ),
        ),
    ),
    Block(
        "commune",
        "dan-so",
        "Công chức Văn hóa - Xã hội",
        "Nghị định số 39/2015/NĐ-CP.",
        (orig("Tờ khai đề nghị hưởng chính sách hỗ trợ theo mẫu"), copy("Giấy chứng sinh")),
        "Quyết định hỗ trợ",
        (e("", "Xét hưởng chính sách hỗ trợ cho đối tượng sinh con đúng chính sách dân số", 5),),
        online=NONE,
    ),
    Block(
        "commune",
        "gia-dinh",
        "Công chức Văn hóa - Xã hội",
        "Luật Phòng, chống bạo lực gia đình năm 2022; Nghị định số 76/2023/NĐ-CP.",
        (orig("Đơn đề nghị cấm tiếp xúc"),),
        "Quyết định cấm tiếp xúc",
        (e("", "Quyết định cấm tiếp xúc theo đề nghị của người bị bạo lực gia đình", 1),),
        online=NONE,
    ),
    Block(
        "commune",
        "khieu-nai",
        "Công chức Văn phòng - Thống kê",
        "Luật Khiếu nại năm 2011; Nghị định số 124/2020/NĐ-CP.",
        (orig("Đơn khiếu nại"), copy("Tài liệu, chứng cứ kèm theo", mandatory=False)),
        "Quyết định giải quyết khiếu nại",
        (e("", "Giải quyết khiếu nại lần đầu tại cấp xã", 30),),
        online=NONE,
    ),
    Block(
        "commune",
        "to-cao",
        "Công chức Văn phòng - Thống kê",
        "Luật Tố cáo năm 2018; Nghị định số 31/2019/NĐ-CP.",
        (orig("Đơn tố cáo"),),
        "Kết luận nội dung tố cáo",
        (e("", "Giải quyết tố cáo tại cấp xã", 30),),
        online=NONE,
    ),
    Block(
        "commune",
        "tiep-cong-dan",
        "Công chức Văn phòng - Thống kê",
        "Luật Tiếp công dân năm 2013.",
        (anyform("Giấy tờ tùy thân của người đến trình bày"),),
        "Văn bản trả lời hoặc hướng dẫn",
        (e("", "Tiếp công dân tại cấp xã", 0),),
        online=NONE,
    ),
    Block(
        "commune",
        "xu-ly-don",
        "Công chức Văn phòng - Thống kê",
        "Luật Khiếu nại năm 2011; Luật Tố cáo năm 2018.",
        (orig("Đơn khiếu nại, tố cáo, kiến nghị, phản ánh"),),
        "Văn bản thụ lý, hướng dẫn hoặc chuyển đơn",
        (e("", "Xử lý đơn tại cấp xã", 10),),
        online=NONE,
    ),
)

# the law changed the limit of commune land-dispute mediation (Luật Đất đai 2024, Điều 235)
MEDIATION = "Hòa giải tranh chấp đất đai"
MEDIATION_V2 = (date(2024, 8, 1), 30, "Luật Đất đai năm 2024; Nghị định số 102/2024/NĐ-CP.")


@dataclass(frozen=True)
class Item:
    """An entry placed in the catalogue: its code, whether it is sample data, its block."""

    code: str
    sample: bool
    block: Block
    entry: Entry


def _filler(level: str, blocks: Sequence[Block], count: int, start: int) -> list[Item]:
    """Generated procedures that complete the seed's counts, spread over the sectors."""
    limits = (5, 7, 10, 15, 20)
    items = []
    for i in range(count):
        block = blocks[i % len(blocks)]
        number = start + i
        name = (
            f"Thủ tục mẫu số {number:03d} lĩnh vực {SECTORS[block.sector]} "
            "(dữ liệu mẫu cho bản demo)"
        )
        entry = Entry("", name, limits[i % len(limits)])
        items.append(Item(f"{SAMPLE_PREFIX[level]}{number:03d}", True, block, entry))
    return items


@functools.cache
def catalogue() -> tuple[Item, ...]:
    """Đô Lương's catalogue: the named procedures, then the filler up to the seed's counts."""
    items: list[Item] = []
    for level, blocks, target in (
        ("district", DISTRICT_BLOCKS, DISTRICT_COUNT),
        ("commune", COMMUNE_BLOCKS, COMMUNE_COUNT),
    ):
        number = 0
        named: list[Item] = []
        for block in blocks:
            for entry in block.entries:
                if entry.code:
                    named.append(Item(entry.code, False, block, entry))
                else:
                    number += 1
                    named.append(Item(f"{SAMPLE_PREFIX[level]}{number:03d}", True, block, entry))
        if len(named) > target:
            raise ValueError(f"{len(named)} named {level} procedures, more than {target}")
        items += named + _filler(level, blocks, target - len(named), number + 1)
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate procedure codes in the demo catalogue")
    return tuple(items)


# -- the internal process ------------------------------------------------------------------

_QUARTER = Decimal("0.25")


def _floor(hours: Decimal) -> Decimal:
    return (hours / _QUARTER).to_integral_value(ROUND_DOWN) * _QUARTER


# interconnected processes: (step, role, agency key or "", share of the time limit)
INTERCONNECTED: dict[str, list[tuple[str, str, str, Decimal]]] = {
    "land_first": [
        (
            "Bộ phận Một cửa huyện tiếp nhận hồ sơ, chuyển Văn phòng Đăng ký đất đai",
            Role.ONE_STOP_OFFICER,
            "",
            Decimal("0.025"),
        ),
        (
            "Văn phòng Đăng ký đất đai (chi nhánh tại huyện) kiểm tra hồ sơ, trích đo địa "
            "chính, xác định nghĩa vụ tài chính",
            Role.HANDLING_OFFICIAL,
            "vpdkdd",
            Decimal("0.5"),
        ),
        (
            "Phòng Tài nguyên và Môi trường thẩm định, trình UBND huyện",
            Role.HANDLING_OFFICIAL,
            "",
            Decimal("0.2"),
        ),
        ("Lãnh đạo UBND huyện ký Giấy chứng nhận", Role.CHAIRMAN, "", Decimal("0.1")),
        (
            "Văn phòng Đăng ký đất đai cập nhật hồ sơ địa chính, chuyển kết quả",
            Role.HANDLING_OFFICIAL,
            "vpdkdd",
            Decimal("0.1"),
        ),
        ("Trả kết quả tại Bộ phận Một cửa huyện", Role.ONE_STOP_OFFICER, "", Decimal("0.025")),
    ],
    "land_change": [
        (
            "Bộ phận Một cửa huyện tiếp nhận hồ sơ, chuyển Văn phòng Đăng ký đất đai",
            Role.ONE_STOP_OFFICER,
            "",
            Decimal("0.05"),
        ),
        (
            "Văn phòng Đăng ký đất đai thẩm tra hồ sơ, chuyển thông tin xác định nghĩa vụ tài "
            "chính",
            Role.HANDLING_OFFICIAL,
            "vpdkdd",
            Decimal("0.35"),
        ),
        (
            "Sở Tài nguyên và Môi trường ký cấp Giấy chứng nhận (trường hợp cấp mới)",
            Role.UNIT_HEAD,
            "stnmt",
            Decimal("0.25"),
        ),
        (
            "Văn phòng Đăng ký đất đai chỉnh lý, cập nhật hồ sơ địa chính",
            Role.HANDLING_OFFICIAL,
            "vpdkdd",
            Decimal("0.25"),
        ),
        ("Trả kết quả tại Bộ phận Một cửa huyện", Role.ONE_STOP_OFFICER, "", Decimal("0.05")),
    ],
    "ncc": [
        (
            "Bộ phận Một cửa huyện tiếp nhận hồ sơ, chuyển Phòng Lao động - Thương binh và Xã hội",
            Role.ONE_STOP_OFFICER,
            "",
            Decimal("0.04"),
        ),
        (
            "Phòng Lao động - Thương binh và Xã hội thẩm định, lập danh sách, trình Sở",
            Role.HANDLING_OFFICIAL,
            "",
            Decimal("0.35"),
        ),
        ("Lãnh đạo Phòng ký tờ trình gửi Sở", Role.UNIT_HEAD, "", Decimal("0.06")),
        (
            "Sở Lao động - Thương binh và Xã hội thẩm định, ra quyết định",
            Role.UNIT_HEAD,
            "sldtbxh",
            Decimal("0.4"),
        ),
        (
            "Phòng Lao động - Thương binh và Xã hội nhận quyết định, chuyển Bộ phận Một cửa",
            Role.HANDLING_OFFICIAL,
            "",
            Decimal("0.06"),
        ),
        ("Trả kết quả tại Bộ phận Một cửa huyện", Role.ONE_STOP_OFFICER, "", Decimal("0.04")),
    ],
}

# the province's agencies that interconnected steps name: (key, code, name, kind, parent key)
PROVINCE_AGENCIES = [
    ("stnmt", "000.00.04.H42", "Sở Tài nguyên và Môi trường tỉnh Nghệ An", AgencyKind.DIVISION, ""),
    (
        "sldtbxh",
        "000.00.05.H42",
        "Sở Lao động - Thương binh và Xã hội tỉnh Nghệ An",
        AgencyKind.DIVISION,
        "",
    ),
    (
        "vpdkdd",
        "000.00.06.H42",
        "Văn phòng Đăng ký đất đai tỉnh Nghệ An",
        AgencyKind.OTHER,
        "stnmt",
    ),
]


def _division_titles() -> dict[str, str]:
    titles = {}
    for suffix, title in DIVISIONS:
        titles[suffix] = title.removesuffix(" huyện") if title.startswith("Văn phòng") else title
    return titles


def _standard_shares(total: Decimal, with_chairman: bool, district: bool) -> list[Decimal]:
    """Hours of (reception, appraisal, head's review, chairman's signature, return)."""
    if total >= 40:
        long = total >= 120
        receive, ret = Decimal(4), Decimal(4)
        head = Decimal(8 if long else 4) if district else Decimal(0)
        chair = Decimal(16 if long else 8) if with_chairman else Decimal(0)
    else:
        receive, ret = _floor(total * Decimal("0.1")), _floor(total * Decimal("0.05"))
        head = _floor(total * Decimal("0.1")) if district else Decimal(0)
        chair = _floor(total * Decimal("0.15")) if with_chairman else Decimal(0)
    appraisal = total - receive - ret - head - chair
    return [receive, appraisal, head, chair, ret]


def steps_for(
    item: Item, day_hours: Decimal, agencies: dict[str, Agency], days: int | None = None
) -> list[StepData]:
    """The internal process of a catalogue item, fitted to its time limit (``days``)."""
    limit = item.entry.days if days is None else days
    total = max(limit, 1) * day_hours
    block = item.block
    if item.entry.process:
        return [
            StepData(name, _floor(total * share), agencies[key] if key else None, role)
            for name, role, key, share in INTERCONNECTED[item.entry.process]
        ]
    signer = item.entry.signer or block.signer
    if block.level == "district":
        office = _division_titles()[block.office]
        chairman = signer == "chairman"
        receive, appraisal, head, chair, ret = _standard_shares(total, chairman, district=True)
        steps = [
            StepData(
                f"Bộ phận Một cửa huyện tiếp nhận, kiểm tra hồ sơ, chuyển {office}",
                receive,
                role=Role.ONE_STOP_OFFICER,
            ),
            StepData(
                f"{office} thẩm định hồ sơ, dự thảo kết quả", appraisal, role=Role.HANDLING_OFFICIAL
            ),
            StepData(
                f"Lãnh đạo {office} xem xét, trình ký"
                if chairman
                else f"Lãnh đạo {office} ký duyệt kết quả",
                head,
                role=Role.UNIT_HEAD,
            ),
        ]
        if chairman:
            steps.append(StepData("Lãnh đạo UBND huyện ký duyệt", chair, role=Role.CHAIRMAN))
        steps.append(
            StepData("Trả kết quả tại Bộ phận Một cửa huyện", ret, role=Role.ONE_STOP_OFFICER)
        )
        return steps
    receive, appraisal, _head, chair, ret = _standard_shares(total, True, district=False)
    return [
        StepData(
            "Bộ phận Một cửa xã tiếp nhận, kiểm tra hồ sơ", receive, role=Role.ONE_STOP_OFFICER
        ),
        StepData(f"{block.office} xử lý, dự thảo kết quả", appraisal, role=Role.HANDLING_OFFICIAL),
        StepData("Chủ tịch (Phó Chủ tịch) UBND xã ký duyệt", chair, role=Role.CHAIRMAN),
        StepData("Trả kết quả tại Bộ phận Một cửa xã", ret, role=Role.ONE_STOP_OFFICER),
    ]


def version_for(
    item: Item,
    day_hours: Decimal,
    agencies: dict[str, Agency],
    *,
    effective_from: date = VERSIONS_FROM,
    days: int | None = None,
    basis: str | None = None,
) -> VersionData:
    entry, block = item.entry, item.block
    limit = entry.days if days is None else days
    return VersionData(
        effective_from=effective_from,
        time_limit_value=Decimal(limit),
        time_limit_unit=LimitUnit.WORKING_DAYS,
        cutoff_time=CUTOFF if limit == 0 else None,
        online_level=entry.online or block.online,
        result_document=entry.result or block.result,
        legal_basis=block.basis if basis is None else basis,
        fees=entry.fees,
        documents=entry.docs or block.docs,
        steps=steps_for(item, day_hours, agencies, limit),
    )


# -- simplification proposals --------------------------------------------------------------


def _action(name: str, hours: float) -> dict[str, Any]:
    return {"name": name, "hours": hours}


def _fee(name: str, amount: int) -> dict[str, Any]:
    return {"name": name, "amount_vnd": amount}


def _limit(days: int) -> dict[str, Any]:
    return {"value": days, "unit": LimitUnit.WORKING_DAYS.value}


def _docs(*names: str) -> list[dict[str, Any]]:
    return [{"name": name, "mandatory": True} for name in names]


@dataclass(frozen=True)
class ProposalSpec:
    procedure: str  # a national code, or the name of a procedure with a sample code
    title: str
    status: str
    current: dict[str, Any]
    proposed: dict[str, Any]
    rationale: str
    note: str = ""  # the decision's note (approval, rejection)
    implement_from: date | None = None
    year: int = 2024


TRAVEL = "Đi lại, nộp hồ sơ tại Bộ phận Một cửa"
PREPARE = "Tìm hiểu thủ tục, chuẩn bị hồ sơ"
RECEIVE = "Nhận kết quả"

PROPOSALS: list[ProposalSpec] = [
    ProposalSpec(
        "2.001035",
        "Rút ngắn thời hạn chứng thực hợp đồng, giao dịch từ 02 xuống 01 ngày làm việc; bỏ bản "
        "sao giấy tờ tùy thân (khai thác Cơ sở dữ liệu quốc gia về dân cư)",
        ProposalStatus.IMPLEMENTED,
        {
            "time_limit": _limit(2),
            "documents": _docs(
                "Dự thảo hợp đồng, giao dịch",
                "Bản sao giấy tờ tùy thân của người yêu cầu chứng thực",
                "Bản sao giấy chứng nhận quyền sở hữu, quyền sử dụng hoặc giấy tờ thay thế đối "
                "với tài sản phải đăng ký quyền sở hữu, quyền sử dụng",
            ),
            "actions": [_action(PREPARE, 2), _action(TRAVEL, 2), _action(RECEIVE, 2)],
            "fees": [_fee("Phí chứng thực hợp đồng, giao dịch (đồng/hợp đồng)", 50_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 20_000,
            "subjects_per_year": 620,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(1),
            "documents": _docs(
                "Dự thảo hợp đồng, giao dịch",
                "Bản sao giấy chứng nhận quyền sở hữu, quyền sử dụng hoặc giấy tờ thay thế đối "
                "với tài sản phải đăng ký quyền sở hữu, quyền sử dụng",
            ),
            "actions": [_action(PREPARE, 1.5), _action(TRAVEL, 1.5), _action(RECEIVE, 0.5)],
            "fees": [_fee("Phí chứng thực hợp đồng, giao dịch (đồng/hợp đồng)", 50_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 5_000,
            "subjects_per_year": 620,
            "times_per_year": 1,
        },
        "Thông tin nhân thân đã có trong Cơ sở dữ liệu quốc gia về dân cư; phần lớn hợp đồng "
        "được chứng thực trong ngày.",
        note="Đồng ý; áp dụng từ ngày 01/01/2025.",
        implement_from=date(2025, 1, 1),
    ),
    ProposalSpec(
        "1.004873",
        "Cấp Giấy xác nhận tình trạng hôn nhân trực tuyến toàn trình, rút ngắn thời hạn từ 03 "
        "xuống 02 ngày làm việc",
        ProposalStatus.IMPLEMENTED,
        {
            "time_limit": _limit(3),
            "online_level": OnlineLevel.PARTIAL.value,
            "actions": [_action(PREPARE, 1), _action(TRAVEL, 2), _action(RECEIVE, 2)],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 30_000,
            "subjects_per_year": 1_150,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(2),
            "online_level": OnlineLevel.FULL.value,
            "actions": [_action("Khai và nộp hồ sơ trực tuyến", 0.5), _action(RECEIVE, 0.5)],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 0,
            "subjects_per_year": 1_150,
            "times_per_year": 1,
        },
        "Người dân đi làm ăn xa cần giấy xác nhận để kết hôn nơi khác; việc xác minh tình trạng "
        "hôn nhân đã tra cứu được trên Cơ sở dữ liệu hộ tịch điện tử.",
        note="Đồng ý; áp dụng từ ngày 01/07/2025.",
        implement_from=date(2025, 7, 1),
    ),
    ProposalSpec(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh: rút ngắn thời hạn từ 03 xuống 02 ngày làm việc, trả "
        "kết quả qua bưu chính",
        ProposalStatus.APPROVED,
        {
            "time_limit": _limit(3),
            "actions": [_action(PREPARE, 3), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [_fee("Lệ phí đăng ký hộ kinh doanh (mức mẫu)", 100_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 30_000,
            "subjects_per_year": 380,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(2),
            "actions": [_action(PREPARE, 2), _action("Nộp hồ sơ trực tuyến", 0.5)],
            "fees": [_fee("Lệ phí đăng ký hộ kinh doanh (mức mẫu)", 100_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 25_000,
            "subjects_per_year": 380,
            "times_per_year": 1,
        },
        "Hồ sơ đơn giản, Phòng Tài chính - Kế hoạch giải quyết phần lớn trong 02 ngày.",
        note="Đồng ý, giao Phòng Tài chính - Kế hoạch trình tỉnh công bố lại.",
    ),
    ProposalSpec(
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ: rút ngắn thời hạn từ 15 xuống 12 ngày; dùng mẫu "
        "thiết kế điển hình cho nhà ở nông thôn",
        ProposalStatus.APPROVED,
        {
            "time_limit": _limit(15),
            "actions": [_action(PREPARE, 8), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [_fee("Lệ phí cấp giấy phép xây dựng (mức mẫu)", 75_000)],
            "hired_services_vnd": 3_000_000,
            "other_costs_vnd": 150_000,
            "subjects_per_year": 260,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(12),
            "actions": [_action(PREPARE, 4), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [_fee("Lệ phí cấp giấy phép xây dựng (mức mẫu)", 75_000)],
            "hired_services_vnd": 1_500_000,
            "other_costs_vnd": 100_000,
            "subjects_per_year": 260,
            "times_per_year": 1,
        },
        "Mẫu thiết kế điển hình giúp người dân không phải thuê vẽ toàn bộ bản vẽ.",
        note="Đồng ý về chủ trương; Phòng Kinh tế và Hạ tầng xây dựng bộ mẫu thiết kế.",
    ),
    ProposalSpec(
        "Tách thửa hoặc hợp thửa đất",
        "Tách thửa, hợp thửa đất: rút ngắn thời hạn từ 15 xuống 10 ngày làm việc",
        ProposalStatus.SUBMITTED,
        {
            "time_limit": _limit(15),
            "actions": [_action(PREPARE, 6), _action(TRAVEL, 4), _action(RECEIVE, 2)],
            "fees": [_fee("Phí thẩm định hồ sơ (mức mẫu)", 150_000)],
            "hired_services_vnd": 1_500_000,
            "other_costs_vnd": 100_000,
            "subjects_per_year": 540,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(10),
            "actions": [_action(PREPARE, 4), _action(TRAVEL, 2), _action(RECEIVE, 1)],
            "fees": [_fee("Phí thẩm định hồ sơ (mức mẫu)", 150_000)],
            "hired_services_vnd": 1_500_000,
            "other_costs_vnd": 50_000,
            "subjects_per_year": 540,
            "times_per_year": 1,
        },
        "Trích đo địa chính được thực hiện trước khi nộp hồ sơ nên khâu thẩm định rút ngắn được.",
    ),
    ProposalSpec(
        "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với "
        "hộ gia đình, cá nhân",
        "Chuyển mục đích sử dụng đất của hộ gia đình, cá nhân: rút ngắn thời hạn từ 15 xuống 12 "
        "ngày làm việc",
        ProposalStatus.SUBMITTED,
        {
            "time_limit": _limit(15),
            "actions": [_action(PREPARE, 6), _action(TRAVEL, 4), _action(RECEIVE, 2)],
            "fees": [],
            "hired_services_vnd": 500_000,
            "other_costs_vnd": 100_000,
            "subjects_per_year": 310,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(12),
            "actions": [_action(PREPARE, 4), _action(TRAVEL, 2), _action(RECEIVE, 2)],
            "fees": [],
            "hired_services_vnd": 500_000,
            "other_costs_vnd": 60_000,
            "subjects_per_year": 310,
            "times_per_year": 1,
        },
        "Kế hoạch sử dụng đất hằng năm đã được phê duyệt; bỏ bước xin ý kiến lặp lại.",
    ),
    ProposalSpec(
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển "
        "đổi, chuyển nhượng, cho thuê, thừa kế, tặng cho, góp vốn",
        "Đăng ký biến động do chuyển nhượng, tặng cho: liên thông điện tử với cơ quan thuế, rút "
        "ngắn thời hạn từ 10 xuống 07 ngày làm việc",
        ProposalStatus.SUBMITTED,
        {
            "time_limit": _limit(10),
            "actions": [
                _action(PREPARE, 4),
                _action(TRAVEL, 3),
                _action("Nộp nghĩa vụ tài chính tại cơ quan thuế", 3),
                _action(RECEIVE, 2),
            ],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 80_000,
            "subjects_per_year": 1_450,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(7),
            "actions": [
                _action(PREPARE, 3),
                _action(TRAVEL, 3),
                _action("Nộp nghĩa vụ tài chính trực tuyến", 0.5),
                _action(RECEIVE, 1),
            ],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 40_000,
            "subjects_per_year": 1_450,
            "times_per_year": 1,
        },
        "Thông báo thuế được gửi điện tử và nộp trực tuyến, người dân không phải đi lại thêm.",
    ),
    ProposalSpec(
        "2.000806",
        "Đăng ký kết hôn có yếu tố nước ngoài: rút ngắn thời hạn từ 15 xuống 10 ngày",
        ProposalStatus.REJECTED,
        {
            "time_limit": _limit(15),
            "actions": [
                _action(PREPARE, 16),
                _action(TRAVEL, 4),
                _action("Đến hỏi tiến độ, bổ sung thông tin khi xác minh", 4),
                _action(RECEIVE, 4),
            ],
            "fees": [],
            "hired_services_vnd": 1_200_000,
            "other_costs_vnd": 300_000,
            "subjects_per_year": 14,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(10),
            "actions": [_action(PREPARE, 16), _action(TRAVEL, 4), _action(RECEIVE, 4)],
            "fees": [],
            "hired_services_vnd": 1_200_000,
            "other_costs_vnd": 200_000,
            "subjects_per_year": 14,
            "times_per_year": 1,
        },
        "Số hồ sơ ít, Phòng Tư pháp thường xác minh xong trong 10 ngày; người dân không phải "
        "đến hỏi tiến độ.",
        note="Không đồng ý: thời hạn do Luật Hộ tịch quy định; kiến nghị lên Bộ Tư pháp.",
    ),
    ProposalSpec(
        "Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke",
        "Giấy phép kinh doanh dịch vụ karaoke: giảm phí thẩm định cho cơ sở ở khu vực nông thôn",
        ProposalStatus.REJECTED,
        {
            "time_limit": _limit(5),
            "actions": [_action(PREPARE, 8), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [_fee("Phí thẩm định cấp giấy phép (mức mẫu)", 2_000_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 200_000,
            "subjects_per_year": 8,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(5),
            "actions": [_action(PREPARE, 8), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [_fee("Phí thẩm định cấp giấy phép (mức mẫu)", 1_000_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 200_000,
            "subjects_per_year": 8,
            "times_per_year": 1,
        },
        "Cơ sở kinh doanh ở nông thôn có quy mô nhỏ.",
        note="Không đồng ý: mức phí do Bộ Tài chính quy định, không thuộc thẩm quyền của huyện.",
    ),
    ProposalSpec(
        "1.001776",
        "Trợ cấp xã hội hằng tháng: rút ngắn tổng thời hạn từ 20 xuống 15 ngày làm việc",
        ProposalStatus.DRAFT,
        {
            "time_limit": _limit(20),
            "actions": [_action(PREPARE, 4), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 50_000,
            "subjects_per_year": 900,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(15),
            "actions": [_action(PREPARE, 3), _action(TRAVEL, 2), _action(RECEIVE, 1)],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 30_000,
            "subjects_per_year": 900,
            "times_per_year": 1,
        },
        "Rút ngắn thời gian niêm yết và thẩm định khi hồ sơ đã được UBND xã xét duyệt đầy đủ.",
    ),
    ProposalSpec(
        "Cấp Giấy phép bán lẻ rượu",
        "Cấp Giấy phép bán lẻ rượu: rút ngắn thời hạn từ 10 xuống 07 ngày làm việc",
        ProposalStatus.DRAFT,
        {
            "time_limit": _limit(10),
            "actions": [_action(PREPARE, 4), _action(TRAVEL, 3), _action(RECEIVE, 2)],
            "fees": [_fee("Phí thẩm định (mức mẫu)", 400_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 50_000,
            "subjects_per_year": 40,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(7),
            "actions": [_action(PREPARE, 3), _action("Nộp hồ sơ trực tuyến", 0.5)],
            "fees": [_fee("Phí thẩm định (mức mẫu)", 400_000)],
            "hired_services_vnd": 0,
            "other_costs_vnd": 20_000,
            "subjects_per_year": 40,
            "times_per_year": 1,
        },
        "Phần lớn hồ sơ không cần kiểm tra thực tế tại cơ sở.",
    ),
    ProposalSpec(
        "1.004884",
        "Đăng ký lại khai sinh: rút ngắn thời hạn từ 05 xuống 03 ngày làm việc",
        ProposalStatus.DRAFT,
        {
            "time_limit": _limit(5),
            "actions": [_action(PREPARE, 4), _action(TRAVEL, 2), _action(RECEIVE, 2)],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 30_000,
            "subjects_per_year": 150,
            "times_per_year": 1,
        },
        {
            "time_limit": _limit(3),
            "actions": [_action(PREPARE, 2), _action(TRAVEL, 2), _action(RECEIVE, 1)],
            "fees": [],
            "hired_services_vnd": 0,
            "other_costs_vnd": 20_000,
            "subjects_per_year": 150,
            "times_per_year": 1,
        },
        "Sổ hộ tịch gốc của các xã đã được số hóa, việc tra cứu không còn phải gửi văn bản.",
        year=2025,
    ),
]

# the actions that lead from draft to each state
PATHS = {
    ProposalStatus.DRAFT: [],
    ProposalStatus.SUBMITTED: ["submit"],
    ProposalStatus.APPROVED: ["submit", "approve"],
    ProposalStatus.REJECTED: ["submit", "reject"],
    ProposalStatus.IMPLEMENTED: ["submit", "approve", "implement"],
}
ACTORS = {
    "create": "dl.noivu.cv",  # CCHC advisor of Đô Lương
    "submit": "dl.noivu",  # head of Home Affairs
    "approve": "dl.chutich",
    "reject": "dl.chutich",
    "implement": "tinh.admin",  # the province publishes the catalogue
}

# -- loading -------------------------------------------------------------------------------


@dataclass
class CatalogueResult:
    procedures_created: int = 0
    publications_created: int = 0
    proposals_created: int = 0
    unit_counts: dict[str, selectors.CatalogueCounts] = field(default_factory=dict)


def _province_agencies(province: AdministrativeUnit) -> dict[str, Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__startswith="000.00.")}
    ubnd = found["000.00.00.H42"]
    agencies: dict[str, Agency] = {}
    for key, code, name, kind, parent in PROVINCE_AGENCIES:
        agency = found.get(code)
        if agency is None:
            agency = org_services.agency_create(
                code=code,
                name=name,
                unit=province,
                kind=kind,
                parent=agencies[parent] if parent else ubnd,
            )
        agencies[key] = agency
    return agencies


def _valid_communes(district: AdministrativeUnit, day: date) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.filter(
            parent=district, level__code="commune", valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("code")
    )


def _decision(province: AdministrativeUnit, spec: dict[str, Any]) -> CatalogueDecision:
    found = CatalogueDecision.objects.filter(unit=province, number=spec["number"]).first()
    return found or services.decision_create(unit=province, **spec)


def _create_procedures(
    items: Sequence[Item], day_hours: Decimal, agencies: dict[str, Agency]
) -> int:
    existing = set(
        Procedure.objects.filter(code__in=[i.code for i in items]).values_list("code", flat=True)
    )
    sectors = {
        code: services.sector_ensure(code=code, name=name)
        for code, name in SECTORS.items()
        if any(i.block.sector == code for i in items)
    }
    levels = {level.code: level for level in UnitLevel.objects.all()}
    created = 0
    for item in items:
        if item.code in existing:
            continue
        services.procedure_create(
            code=item.code,
            name=item.entry.name,
            sector=sectors[item.block.sector],
            level=levels[item.block.level],
            version=version_for(item, day_hours, agencies),
            sample=item.sample,
        )
        created += 1
    return created


def _mediation_v2(day_hours: Decimal, agencies: dict[str, Agency]) -> None:
    """The 2024 land law shortened commune mediation: a second version of it."""
    item = next(i for i in catalogue() if i.entry.name == MEDIATION)
    procedure = Procedure.objects.get(code=item.code)
    start, days, basis = MEDIATION_V2
    if not ProcedureVersion.objects.filter(procedure=procedure, effective_from=start).exists():
        services.version_add(
            procedure=procedure,
            data=version_for(
                item, day_hours, agencies, effective_from=start, days=days, basis=basis
            ),
        )


def _publish(
    decision: CatalogueDecision,
    items: Iterable[Item],
    district: AdministrativeUnit,
    communes: Sequence[AdministrativeUnit],
    procedures: dict[str, Procedure],
) -> int:
    """District-level items for the district, grouped by the division that resolves them;
    commune-level items for every commune, resolved by its People's Committee."""
    number = DISTRICTS_BY_CODE[district.code]
    by_division: dict[str, list[Procedure]] = defaultdict(list)
    commune_level: list[Procedure] = []
    for item in items:
        if item.block.level == "district":
            by_division[item.block.office].append(procedures[item.code])
        else:
            commune_level.append(procedures[item.code])
    suffixes = [suffix for suffix, _title in DIVISIONS]
    division_agencies = {
        a.code: a for a in Agency.objects.filter(unit=district, kind=AgencyKind.DIVISION)
    }
    added = 0
    for suffix, group in by_division.items():
        code = f"000.{suffixes.index(suffix) + 1:02d}.{number}.H42"
        added += services.procedures_publish(
            decision=decision, procedures=group, unit=district, agency=division_agencies.get(code)
        )
    added += _publish_communes(decision, commune_level, communes)
    return added


def _publish_communes(
    decision: CatalogueDecision,
    procedures: Sequence[Procedure],
    communes: Sequence[AdministrativeUnit],
) -> int:
    committees = {
        a.unit_id: a
        for a in Agency.objects.filter(unit__in=communes, kind=AgencyKind.PEOPLE_COMMITTEE)
    }
    return sum(
        services.procedures_publish(
            decision=decision, procedures=procedures, unit=c, agency=committees.get(c.pk)
        )
        for c in communes
    )


DISTRICTS_BY_CODE = {code: number for code, _name, number, _communes in DISTRICTS.values()}


def _official(username: str) -> Official:
    return Official.objects.get(username=username)


def _create_proposals(district: AdministrativeUnit) -> int:
    by_name = {i.entry.name: i.code for i in catalogue()}
    created = 0
    for spec in PROPOSALS:
        if SimplificationProposal.objects.filter(unit=district, title=spec.title).exists():
            continue
        procedure = Procedure.objects.get(code=by_name.get(spec.procedure, spec.procedure))
        proposal = services.proposal_create(
            actor=_official(ACTORS["create"]),
            procedure=procedure,
            unit=district,
            title=spec.title,
            year=spec.year,
            current=spec.current,
            proposed=spec.proposed,
            rationale=spec.rationale,
        )
        for action in PATHS[ProposalStatus(spec.status)]:
            proposal = services.proposal_act(
                proposal=proposal,
                actor=_official(ACTORS[action]),
                action=action,
                note=spec.note if action in {"approve", "reject"} else "",
                effective_from=spec.implement_from if action == "implement" else None,
            )
        created += 1
    return created


@transaction.atomic
def load_demo_catalogue() -> CatalogueResult:
    """Đô Lương's catalogue (347 = 237 district + 110 commune procedures), published by a
    decision of Nghệ An, its 12 simplification proposals and the yearly income parameter;
    a smaller catalogue for Tân Kỳ (the procedures with a national code). Idempotent."""
    result = CatalogueResult()
    for year, income, source in INCOME:
        services.income_parameter_set(year=year, monthly_income_vnd=income, source=source)
    province = AdministrativeUnit.objects.get(code="40")
    agencies = _province_agencies(province)
    day_hours = selectors.limit_hours(value=Decimal(1), unit=LimitUnit.WORKING_DAYS)
    items = catalogue()
    result.procedures_created = _create_procedures(items, day_hours, agencies)
    _mediation_v2(day_hours, agencies)
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=[i.code for i in items])}

    today = timezone.localdate()
    decision = _decision(province, DECISION)
    do_luong = AdministrativeUnit.objects.get(code="427")
    result.publications_created += _publish(
        decision, items, do_luong, _valid_communes(do_luong, today), procedures
    )
    # the commune formed by the 2025 reform gets the commune-level catalogue too
    reformed = AdministrativeUnit.objects.filter(code="42799").first()
    if reformed is not None:
        result.publications_created += _publish_communes(
            _decision(province, REFORM_DECISION),
            [procedures[i.code] for i in items if i.block.level == "commune"],
            [reformed],
        )
    tan_ky = AdministrativeUnit.objects.filter(code="423").first()
    if tan_ky is not None:
        result.publications_created += _publish(
            decision,
            [i for i in items if not i.sample],
            tan_ky,
            _valid_communes(tan_ky, today),
            procedures,
        )
    result.proposals_created = _create_proposals(do_luong)
    for unit in (do_luong, tan_ky):
        if unit is not None:
            result.unit_counts[unit.code] = selectors.catalogue_counts(unit=unit)
    return result
