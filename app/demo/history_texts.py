"""Demand texts for synthetic history: a few templates per domain with slots, so that the same
problem recurs in different words (what the common-problem clustering should find)."""
from __future__ import annotations

import random

PLACES = ("厂区门口", "工业园北门", "公司仓库旁", "园区主干道", "员工宿舍楼下", "车间后巷")
ITEMS = ("社保缴费基数", "失业保险稳岗返还", "职工医保报销", "住房公积金提取", "增值税留抵退税",
         "营业执照变更", "食品经营许可证", "排污许可证", "道路货运许可")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "劳动和社会保障": (
        "企业咨询{item}如何办理，需要准备哪些材料，能否网上办理。",
        "我司新招员工{n}名，社保参保登记一直显示审核中，影响员工入职，请协助。",
        "咨询今年稳岗返还政策，我司符合条件但未收到返还资金，何时发放。",
        "员工反映社保卡办理进度慢，企业统一申领后{n}天仍未拿到卡。",
        "企业欠薪纠纷，{n}名员工投诉工资被拖欠，请劳动监察部门介入。"),
    "医疗保障": (
        "咨询职工医保异地就医备案流程，员工出差期间就医如何报销。",
        "企业为员工办理医保参保后，员工在药店无法使用医保个人账户。",
        "咨询生育保险待遇申领需要哪些材料，企业代办流程是什么。",
        "员工医保报销款{n}个月仍未到账，请医保部门核查。"),
    "城乡建设": (
        "我司厂房报建手续办理缓慢，施工许可证申请已提交{n}天仍未审批。",
        "{place}道路施工围挡长期未拆，影响企业货车进出。",
        "咨询旧厂房改造的规划审批流程和所需材料。",
        "小区配套工程延期交付，企业员工宿舍无法入住。"),
    "教育文体": (
        "企业员工子女入学积分咨询，外来务工人员子女如何申请公办学位。",
        "咨询企业举办职工文体活动可否申请场地和补贴。",
        "员工子女转学手续办理困难，学校要求的材料企业无法提供。"),
    "商贸旅游": (
        "咨询企业参加境外展会的补贴申报条件和时间。",
        "我司申请外贸出口信用保险补贴，材料提交后{n}天无回复。",
        "景区周边经营秩序混乱，影响我司旅游项目正常接待。"),
    "环境保护": (
        "{place}附近企业夜间排放刺鼻废气，周边企业员工反映强烈。",
        "咨询{item}办理流程，环评审批需要多长时间。",
        "附近工地夜间施工噪音扰民，严重影响员工休息。",
        "河涌排污口有污水直排，{place}一带气味很大。"),
    "卫生计生": (
        "咨询企业职工健康体检和职业病防护的相关要求。",
        "企业食堂申请卫生许可，现场核查预约不上。",
        "员工接种疫苗的集体预约如何办理。"),
    "交通运输": (
        "{place}公交站点取消后员工通勤困难，请求恢复线路。",
        "咨询{item}年审流程，企业车辆较多能否集中办理。",
        "货车通行证办理困难，企业配送受影响。",
        "{place}路段红绿灯设置不合理，上下班高峰严重拥堵。"),
    "市场监管": (
        "咨询{item}办理流程，线上提交后多久可以领取。",
        "投诉某商家虚假宣传，销售的产品与宣传不符，请市场监管部门查处。",
        "同行企业恶意低价倾销并仿冒我司商标，请求查处。",
        "企业名称变更登记被退回{n}次，窗口说法不一。",
        "预约办理行政服务中心业务困难，企业连续{n}天约不上号，营业执照变更无法办理。"),
    "城市管理": (
        "{place}占道经营严重，摊贩堵塞消防通道。",
        "{place}垃圾清运不及时，堆积发臭，影响企业环境。",
        "城管执法人员态度粗暴，对企业门前广告牌处理方式不当。",
        "{place}路灯损坏多日未修，员工夜间下班存在安全隐患。",
        "{place}绿化带杂草丛生无人管理，遮挡车辆视线。"),
    "税务": (
        "咨询{item}申请条件和办理时限。",
        "电子税务局开具发票系统频繁报错，影响企业正常开票。",
        "企业所得税汇算清缴咨询，研发费用加计扣除如何申报。",
        "退税款申请已{n}天未到账，请税务部门核查进度。"),
    "公积金": (
        "咨询企业为员工开立住房公积金账户的流程。",
        "员工{item}申请被退回，理由不明确。",
        "企业公积金缓缴政策咨询，经营困难能否申请降低缴存比例。"),
    "水电气": (
        "{place}频繁停电，企业生产线多次中断，损失严重。",
        "企业申请增容用电，报装已{n}天仍未接通。",
        "{place}自来水水压不足，影响企业生产用水。",
        "燃气管道报装进度缓慢，新厂房无法投产。"),
}
SURGE_TEXTS = (
    "小榄镇行政服务中心预约办理业务困难，网上预约连续{n}天显示已满，企业无法办理营业执照变更。",
    "预约办理行政服务中心业务困难，小榄镇分中心现场取号也要排到{n}天后，企业急需办理。",
    "行政服务中心预约系统约不上号，我司在小榄镇的企业登记事项已拖延{n}天。",
    "企业反映小榄镇行政服务中心预约名额太少，预约办理业务困难，希望增加窗口。",
)
DIRECT_REPLIES = ("已按知识库答复办理流程和所需材料。", "已告知政策依据和办理渠道，企业表示清楚。",
                  "已答复网上办理入口和办理时限。")
REPLIES = ("已联系企业并现场核实，问题已解决。", "已协调相关部门处理，企业表示认可。",
           "已向企业说明政策规定，并指导其补齐材料。", "已安排专人跟进，整改已完成。")


def demand_text(rng: random.Random, domain: str) -> str:
    return labelled_demand_text(rng, domain)[0]


def labelled_demand_text(rng: random.Random, domain: str) -> tuple[str, str, str]:
    """(text, template id, item) — the same text and random draws as `demand_text`; the template
    id and item are the ground truth of the common-problem benchmark."""
    template = rng.choice(TEMPLATES[domain])
    place, item, n = rng.choice(PLACES), rng.choice(ITEMS), rng.randint(2, 30)
    text = template.format(place=place, item=item, n=n)
    return text, f"{domain}/{TEMPLATES[domain].index(template)}", item if "{item}" in template else ""


def surge_text(rng: random.Random) -> str:
    return labelled_surge_text(rng)[0]


def labelled_surge_text(rng: random.Random) -> tuple[str, str]:
    """(text, template id) — the same text and random draws as `surge_text`."""
    template = rng.choice(SURGE_TEXTS)
    return template.format(n=rng.randint(3, 15)), f"surge/{SURGE_TEXTS.index(template)}"


NAME_PARTS = ("华", "信", "达", "隆", "泰", "丰", "盛", "联", "创", "新", "宏", "远", "恒", "利",
              "嘉", "美", "科", "鑫", "源", "晟", "汇", "顺", "昌", "浩")
INDUSTRIES = ("五金制品", "灯饰", "电子科技", "家具制造", "服装", "塑胶制品", "包装材料", "机械设备",
              "食品", "物流", "精密模具", "化工", "电器", "纺织", "生物科技", "信息技术")


def enterprise_name(rng: random.Random, town: str) -> str:
    brand = rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS)
    prefix = "鹤山市" if town == "古劳镇" else "中山市"
    return f"{prefix}{brand}{rng.choice(INDUSTRIES)}有限公司"
