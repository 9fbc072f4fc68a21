"""Demo data of policy publishing: the seed document (imported, published), a service guide for each
service, service windows for 江岸区 and 武昌区 (and the city and one street), and a few courses.

Idempotent: the seed is matched by its number, guides by service, windows by area, courses by
title and provider; only missing ones are written. Everything goes through the services, as a
city editor and reviewer would do it, so the audit trail reads like real use.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext

from policy.constants import CourseStatus, DocumentStatus, Service
from policy.importer import parse_policy_text
from policy.models import PolicyDocument, ServiceGuide, ServiceWindow, TrainingCourse
from policy.services import courses as course_services
from policy.services import documents as document_services
from policy.services import guides as guide_services
from policy.services.imports import import_match, policy_import
from portal.models import Area, User
from portal.reference.models import Occupation

SEED = Path(__file__).resolve().parent / "data" / "wuhan_2009_138.txt"
CITY, JIANGAN, WUCHANG = "420100000000", "420102000000", "420106000000"

# (service, title, summary, who may apply, what to bring, steps (title, detail, working days), time limit, fees)
GUIDES = [
    (Service.UNEMPLOYMENT_REGISTRATION, "失业登记",
     "在法定劳动年龄内、有劳动能力和就业要求、处于失业状态的人员，可在常住地办理失业登记，享受公共就业服务。",
     "法定劳动年龄内，有劳动能力和就业要求，处于无业状态的城乡劳动者（含本市户籍人员和在常住地稳定就业的外来务工人员）。",
     ["居民身份证", "户口簿或居住证", "与原单位解除、终止劳动关系的证明（有工作经历的）", "近期一寸免冠照片1张"],
     [("申请", "到户籍所在地或常住地社区（街道）服务窗口提出申请，或在本平台网上申报", 0),
      ("受理审核", "窗口核对身份和就业状态，材料不全的一次性告知", 2),
      ("登记发证", "办理失业登记，发放《就业创业证》", 1)],
     3, "免费"),
    (Service.HARD_TO_EMPLOY_IDENTIFICATION, "就业困难人员认定",
     "就业困难人员实名登记、建立台账，公共人力资源市场承诺在10个工作日内推荐就业。",
     ("已办理失业登记，且属于大龄失业人员（女40周岁、男50周岁以上）、残疾人、城镇零就业家庭成员、享受最低生活保障人员、"
      "连续失业一年以上人员等情形之一的。"),
     ["居民身份证", "《就业创业证》", "相应困难情形的证明材料（如残疾人证、低保证）"],
     [("申请", "向社区服务窗口提交申请和证明材料", 0),
      ("社区核实", "社区入户或电话核实家庭和就业情况", 3),
      ("区级认定", "区就业局审核认定，建立实名台账", 5),
      ("推荐就业", "承诺在认定后10个工作日内推荐岗位", 0)],
     8, "免费"),
    (Service.PUBLIC_WELFARE_POST_SUBSIDY, "公益性岗位补贴申领",
     "用人单位安置就业困难人员到公益性岗位就业的，按规定享受岗位补贴。",
     "开发公益性岗位并安置就业困难人员、签订劳动合同并缴纳社会保险的用人单位。",
     ["单位申请表", "公益性岗位安置人员花名册", "劳动合同", "社会保险缴费凭证", "工资发放记录"],
     [("申报", "单位每季度向区就业局申报", 0), ("审核", "区就业局审核人员和岗位", 10), ("公示", "审核结果公示", 5),
      ("拨付", "补贴拨付到单位账户", 5)],
     20, "免费"),
    (Service.FLEXIBLE_EMPLOYMENT_SOCIAL_INSURANCE_SUBSIDY, "灵活就业人员社会保险补贴申领",
     "就业困难人员灵活就业后缴纳社会保险费的，给予一定数额的社会保险补贴。",
     "已认定的就业困难人员，灵活就业后以个人身份缴纳基本养老、医疗保险费的。",
     ["居民身份证", "《就业创业证》", "灵活就业情况说明", "社会保险个人缴费凭证"],
     [("申请", "向街道服务窗口提出申请", 0), ("审核", "街道初审、区就业局复审", 10), ("拨付", "补贴拨付到个人账户", 5)],
     15, "免费"),
    (Service.ENTERPRISE_SOCIAL_INSURANCE_SUBSIDY, "商贸服务型企业社会保险补贴申领",
     "商贸服务型企业招用就业困难人员并缴纳社会保险的，按规定给予社会保险补贴。",
     "招用就业困难人员、签订一年以上劳动合同并为其缴纳社会保险费的商贸服务型企业。",
     ["企业申请表", "营业执照", "招用人员花名册", "劳动合同", "社会保险缴费凭证"],
     [("申报", "企业向区就业局申报", 0), ("审核", "核对人员身份和缴费情况", 10), ("公示", "审核结果公示", 5),
      ("拨付", "补贴拨付到企业账户", 5)],
     20, "免费"),
    (Service.JOB_REFERRAL_SUBSIDY, "职业介绍补贴申领",
     "职业介绍机构为就业困难人员等提供免费职业介绍并成功就业的，按规定享受职业介绍补贴。",
     "依法取得许可、为劳动者提供免费职业介绍服务并促成其签订劳动合同的职业介绍机构。",
     ["申请表", "人力资源服务许可证", "介绍成功人员名单", "劳动合同复印件"],
     [("申报", "机构每季度向区就业局申报", 0), ("核查", "抽查回访介绍就业情况", 10), ("拨付", "补贴拨付到机构账户", 5)],
     15, "免费"),
    (Service.GUARANTEED_MICRO_LOAN, "小额担保贷款申请",
     "符合条件的创业人员可申请小额担保贷款，并按规定享受财政贴息。",
     "登记失业人员、就业困难人员、返乡创业农民工、高校毕业生等自主创业并取得营业执照的人员。",
     ["居民身份证", "《就业创业证》", "营业执照", "创业项目计划书", "担保或反担保材料"],
     [("申请", "向区创业服务窗口提交申请", 0), ("审核", "区就业局审核创业项目和资格", 5),
      ("担保审查", "担保机构审查并出具担保意见", 10), ("放款", "经办银行审批放款", 5)],
     20, "免费"),
    (Service.VACANCY_POSTING, "岗位登记（用人单位招聘）",
     "用人单位在本平台或公共人力资源市场登记招聘岗位，审核通过后向求职者公开发布。",
     "依法登记注册并通过单位信息核验的用人单位。",
     ["统一社会信用代码", "招聘岗位信息（岗位名称、人数、薪酬、要求）", "联系人及联系电话"],
     [("登记", "单位在网上或到区人力资源市场窗口登记岗位", 0), ("审核", "区人力资源市场审核岗位信息", 2),
      ("发布", "审核通过后公开发布", 0)],
     2, "免费"),
    (Service.AGENCY_LICENCE, "职业中介机构许可",
     "设立职业中介（人力资源服务）机构，应依法取得行政许可，并接受日常监督检查。",
     "有明确章程和管理制度、有开展业务必备的固定场所和设施、有符合条件的专职工作人员的法人或其他组织。",
     ["设立申请书", "营业执照", "机构章程和管理制度", "场所使用证明", "专职工作人员资格证明"],
     [("申请", "向区人力资源和社会保障局提交申请材料", 0), ("受理", "材料齐全的当场受理", 1),
      ("实地核查", "核查经营场所和设施", 10), ("决定", "作出许可决定并发证", 9)],
     20, "免费"),
]

# (area code, name, address, phone, hours, services handled (empty: every service))
WINDOWS = [
    (CITY, "武汉市人力资源市场服务大厅", "武汉市江汉区新华路218号", "027-85777000", "周一至周五 9:00-12:00，13:30-17:00", []),
    (JIANGAN, "江岸区人力资源市场就业服务窗口", "武汉市江岸区二七路78号", "027-82833000", "周一至周五 9:00-12:00，14:00-17:30", []),
    (WUCHANG, "武昌区人力资源市场就业服务窗口", "武汉市武昌区中山路326号", "027-88876000", "周一至周五 9:00-12:00，14:00-17:30", []),
    ("420102002000", "大智街道劳动保障服务站", "武汉市江岸区大智路35号", "027-82786000", "周一至周五 8:30-12:00，14:00-17:00",
     [Service.UNEMPLOYMENT_REGISTRATION, Service.HARD_TO_EMPLOY_IDENTIFICATION,
      Service.FLEXIBLE_EMPLOYMENT_SOCIAL_INSURANCE_SUBSIDY]),
]

# (title, provider, occupation, district, weeks from now, weeks long, cost, subsidy, seats)
COURSES = [
    ("焊工（电焊）初级技能培训班", "武汉市江岸区职业技能培训中心", "6-18", JIANGAN, 2, 6, 2400, 2400, 40),
    ("养老护理员技能培训班", "武汉东湖康养职业培训学校", "4-10", WUCHANG, 1, 4, 1800, 1500, 30),
    ("中式烹调师培训班", "武汉黄鹤楼餐饮职业培训学校", "4-03", JIANGAN, 3, 8, 3000, 2000, 25),
]


# What a reviewer finds on reading the imported seed against its own text: the number 武政办 and the
# title belong to 武汉市人民政府办公厅 (the office of the Wuhan municipal government that forwards the
# opinion), but the site the file came from put 银川市人民政府 and 银川市 in its metadata (the import
# warns of it). The reviewer returns the draft saying so, the editor corrects it as a second version,
# and that version is published; version 1 keeps what was imported.
SEED_CORRECTION = {"issuer": "武汉市人民政府办公厅", "source": "武汉市"}
SEED_RETURN_REASON = ("发布单位和文件来源与原文不符：文号“武政办〔2009〕138号”和标题均为武汉市人民政府办公厅，"
                      "导入的元数据写作“银川市人民政府”“银川市”，请按原文更正后再提交。")
SEED_CORRECTION_NOTE = "按审核意见更正：发布单位改为武汉市人民政府办公厅，文件来源改为武汉市（原文如此）。"


def _seed_needs_correction(document: PolicyDocument) -> bool:
    return any(getattr(document, name) != value for name, value in SEED_CORRECTION.items())


def _seed_correct(*, editor: User, document: PolicyDocument) -> PolicyDocument:
    """The editor saves the corrected metadata as a new version; the import's warnings about the
    corrected fields no longer hold and are dropped (the others stay)."""
    values = {name: getattr(document, name) for name in (
        "title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date", "source", "category",
        "body")}
    notes = [note for note in document.import_notes if note.get("part") not in SEED_CORRECTION]
    document, _version = document_services.document_update(
        actor=editor, document=document, area=document.area, note=SEED_CORRECTION_NOTE, import_notes=notes,
        **{**values, **SEED_CORRECTION})
    return document


def _seed_document(*, editor: User, reviewer: User, log) -> PolicyDocument:
    text = SEED.read_text(encoding="utf-8")
    document = import_match(parse_policy_text(text))
    if document is None:
        document = policy_import(actor=editor, text=text, area=Area.objects.get(code=CITY),
                                 file_name=SEED.name).document
        log(gettext("policy document %(number)s: imported") % {"number": document.document_number})
    if _seed_needs_correction(document):
        if document.status == DocumentStatus.DRAFT:
            document = document_services.document_submit(actor=editor, document=document)
        if document.status == DocumentStatus.IN_REVIEW:
            document = document_services.document_return(actor=reviewer, document=document,
                                                          reason=SEED_RETURN_REASON)
            log(gettext("policy document %(number)s: returned by the reviewer to correct its issuer and source")
                % {"number": document.document_number})
        document = _seed_correct(editor=editor, document=document)
        log(gettext("policy document %(number)s: issuer and source corrected in version %(version)d")
            % {"number": document.document_number, "version": document_services.latest_version(document).number})
    if document.status == DocumentStatus.DRAFT:
        document = document_services.document_submit(actor=editor, document=document)
    if document.status == DocumentStatus.IN_REVIEW:
        document = document_services.document_publish(actor=reviewer, document=document,
                                                       note="演示数据：按原文更正发布单位和文件来源后发布")
    elif (document.status == DocumentStatus.PUBLISHED
          and document.published_version_id != document_services.latest_version(document).pk):
        # A demo database from before the correction: the corrected version waits for the reviewer.
        document = document_services.document_publish(actor=reviewer, document=document,
                                                       note="演示数据：发布更正后的版本")
    log(gettext("policy document %(number)s: %(status)s") % {"number": document.document_number,
                                                            "status": document.get_status_display()})
    return document


def build(*, scale: int, log) -> None:
    editor = User.objects.get(username="city_admin")
    reviewer = User.objects.get(username="city_official")
    seed = _seed_document(editor=editor, reviewer=reviewer, log=log)

    written = 0
    for service, title, summary, eligibility, materials, steps, limit, fees in GUIDES:
        if ServiceGuide.objects.filter(service=service).exists():
            continue
        guide_services.guide_create(
            actor=editor, service=service, title=title, summary=summary, eligibility=eligibility,
            materials=materials, steps=[{"title": t, "detail": d, "days": n} for t, d, n in steps],
            time_limit_days=limit, fees=fees, policy=seed)
        written += 1
    log(gettext("service guides: %(new)d new, %(total)d in all") % {"new": written,
                                                                    "total": ServiceGuide.objects.count()})

    admins = {CITY: editor, JIANGAN: User.objects.get(username="jiangan_admin"),
              WUCHANG: User.objects.get(username="wuchang_admin")}
    written = 0
    for code, name, address, phone, hours, services in WINDOWS:
        area = Area.objects.filter(code=code).first()
        if area is None or ServiceWindow.objects.filter(area=area).exists():
            continue
        actor = admins.get(code) or admins[code[:6].ljust(12, "0")]
        guide_services.window_save(actor=actor, area=area, name=name, address=address, phone=phone, hours=hours,
                                   services=services)
        written += 1
    log(gettext("service windows: %(new)d new") % {"new": written})

    today = timezone.localdate()
    occupations = {o.code: o for o in Occupation.objects.filter(code__in=[c[2] for c in COURSES])}
    written = 0
    for title, provider, occupation, district, start, weeks, cost, subsidy, seats in COURSES:
        if TrainingCourse.objects.filter(title=title, provider=provider).exists():
            continue
        area = Area.objects.get(code=district)
        actor = admins[district]
        starts_on = today + datetime.timedelta(weeks=start)
        course = course_services.course_create(
            actor=actor, title=title, provider=provider, occupation=occupations[occupation], starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(weeks=weeks), area=area,
            address=f"{area.name}职业技能实训基地", cost=cost, subsidy=subsidy, seats=seats,
            description="理论与实操结合，结业考核合格的颁发职业技能等级证书；登记失业人员和就业困难人员优先。")
        if course.status == CourseStatus.DRAFT:
            course_services.course_publish(actor=actor, course=course)
        written += 1
    log(gettext("training courses: %(new)d new") % {"new": written})
