"""Request and response schemas; the OpenAPI document is generated from these."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain.vocab import DOMAINS, KINDS, MATTER_CLASSES, RATINGS

from .task_context_schemas import TaskContext

# Chinese-first validation messages for every field type.
fields.Field.default_error_messages.update({
    "required": "必填", "null": "不能为空", "validator_failed": "取值无效",
})
fields.String.default_error_messages.update({"invalid": "应为字符串"})
fields.Integer.default_error_messages.update({"invalid": "应为整数"})
fields.Boolean.default_error_messages.update({"invalid": "应为布尔值"})
fields.Dict.default_error_messages.update({"invalid": "应为对象"})
Schema._default_error_messages = {**Schema._default_error_messages,
                                  "unknown": "不允许的字段", "type": "应为对象"}


def _choice(values):
    return validate.OneOf(values, error="取值须为：" + " / ".join(values))


def _length(maximum, minimum=None):
    return validate.Length(min=minimum, max=maximum,
                           error=f"长度须在 {minimum or 0}–{maximum} 之间")


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"description": "机器可读的错误码,如 validation_failed"})
    message = fields.String(required=True, metadata={
        "description": "给用户看的说明，按 Accept-Language 为中文（默认）或英文"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()),
                          required=True, metadata={"description": "按字段列出的错误（语言同 message）"})
    message_code = fields.String(metadata={
        "description": "message 本身的代码（如 case.not_found），与语言无关；有参数时见 params"})
    params = fields.Dict(keys=fields.String(), metadata={"description": "message 中填入的值"})


class ErrorOut(Schema):
    """The one error shape of every 4xx/5xx answer (documented as each operation's default)."""
    error = fields.Nested(ErrorBody, required=True)


class TokenIn(Schema):
    username = fields.String(required=True, validate=_length(64, 1))
    password = fields.String(required=True, validate=_length(200, 1), load_only=True)


class PasswordIn(Schema):
    current_password = fields.String(required=True, validate=_length(200, 1), load_only=True)
    new_password = fields.String(required=True, load_only=True,
                                 metadata={"description": "8–200 个字符"})


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    unit_id = fields.Integer(allow_none=True)
    enterprise_id = fields.Integer(allow_none=True)


class TokenOut(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.String()
    user = fields.Nested(UserOut)


class CaseIn(Schema):
    kind = fields.String(required=True, validate=_choice(KINDS), metadata={"description": "诉求类型"})
    description = fields.String(required=True, validate=_length(4000, 1))
    credit_code = fields.String(validate=_length(32, 1), metadata={"description": "统一社会信用代码(话务员)"})
    phone = fields.String(validate=_length(20, 1), metadata={"description": "企业登记电话(话务员)"})
    domain = fields.String(validate=_choice(DOMAINS), allow_none=True)
    town = fields.String(validate=_length(50), allow_none=True)
    contact_name = fields.String(validate=_length(50), allow_none=True)
    contact_phone = fields.String(validate=_length(20), allow_none=True)
    channel = fields.String(validate=_choice(("web", "app")), metadata={"description": "企业自助渠道"})
    direct_reply = fields.String(validate=_length(4000), allow_none=True,
                                 metadata={"description": "话务员直接答复内容(仅咨询)"})
    kb_article_id = fields.Integer(allow_none=True, strict=True,
                                   metadata={"description": "直接答复所引用的知识库条目(仅直接答复)"})
    matter_class = fields.String(validate=_choice(tuple(MATTER_CLASSES)),
                                 metadata={"description": "事项类别,决定办理时限"})


class ClockOut(Schema):
    clock = fields.String(metadata={"description": "response | solution | resolution"})
    label = fields.String()
    round = fields.Integer()
    calendar = fields.String()
    started_at = fields.String()
    due_at = fields.String()
    met_at = fields.String(allow_none=True)
    outcome = fields.String(metadata={"description": "running | met | violated | paused | cancelled"})
    extensions = fields.Integer()
    seconds_left = fields.Integer()
    overdue = fields.Boolean()


class NamedRef(Schema):
    code = fields.String()
    name = fields.String()


class TaskRef(Schema):
    id = fields.String()
    name = fields.String()
    title = fields.String()
    role = fields.String(allow_none=True)


class KnowledgeRef(Schema):
    id = fields.Integer()
    title = fields.String()


class DomainScore(Schema):
    domain = fields.String()
    confidence = fields.Float()


class RoutingOut(Schema):
    predicted_domain = fields.String(allow_none=True, metadata={"description": "分类模型建议的领域"})
    confidence = fields.Float(allow_none=True)
    top3 = fields.List(fields.Nested(DomainScore))
    model_version = fields.Integer(allow_none=True)
    auto_dispatched = fields.Boolean()


class CaseCore(Schema):
    """What every reader of a case sees, the enterprise included (P17)."""
    number = fields.String()
    status = fields.String()
    status_label = fields.String()
    closed = fields.Boolean()
    current_step = fields.String(allow_none=True)
    channel = fields.String()
    kind = fields.String()
    domain = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    description = fields.String()
    direct_reply = fields.String(allow_none=True)
    reply = fields.Dict(allow_none=True)
    rating = fields.String(allow_none=True)
    dissatisfied_rounds = fields.Integer()
    overdue = fields.Boolean()
    created_at = fields.String()
    closed_at = fields.String(allow_none=True)


STAFF_ONLY = "仅工作人员和承办单位可见（企业用户的响应中没有此字段，P17）"


class EnterpriseCase(CaseCore):
    """An enterprise user's case in every answer (list, item, its own commands), P17."""
    class Meta:
        description = ("企业用户看到的诉求（P17）：状态、当前环节、答复和评价，以及本企业的联系信息；"
                       "没有工作人员姓名、内部意见、分类模型数据、时限、待办或内部编码。")

    enterprise = fields.Dict(metadata={"description": "企业名称和统一社会信用代码"})
    unit = fields.Nested(NamedRef, allow_none=True,
                         metadata={"description": "承办单位；企业用户只有 name，没有内部编码 code"})
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    updated_at = fields.String()


class CaseOut(EnterpriseCase):
    """A case: staff and units get every field, an enterprise user those of EnterpriseCase."""
    class Meta:
        description = ("诉求。工作人员和承办单位得到全部字段；企业用户只得到 EnterpriseCase 所列字段"
                       "（#/components/schemas/EnterpriseCase），标注“仅工作人员和承办单位可见”的字段不出现。")

    red_list = fields.Boolean(metadata={"description": STAFF_ONLY})
    suggested_unit = fields.String(allow_none=True, metadata={"description": STAFF_ONLY})
    kb_article = fields.Nested(KnowledgeRef, allow_none=True,
                               metadata={"description": "直接答复引用的知识库条目。" + STAFF_ONLY})
    history = fields.Boolean(metadata={"description": "生成的历史数据（无流程实例，P18）。" + STAFF_ONLY})
    version = fields.Integer(metadata={"description": STAFF_ONLY})
    enterprise_phone = fields.String(allow_none=True,
                                     metadata={"description": "企业登记的联系电话。" + STAFF_ONLY})
    deployment_id = fields.Integer(metadata={"description": STAFF_ONLY})
    open_tasks = fields.List(fields.Nested(TaskRef), metadata={"description": STAFF_ONLY})
    matter_class = fields.String(metadata={"description": STAFF_ONLY})
    clocks = fields.List(fields.Nested(ClockOut), metadata={"description": STAFF_ONLY})
    routing = fields.Nested(RoutingOut, metadata={"description": "P4 智能识别领域建议。" + STAFF_ONLY})


class ProgressCase(CaseCore):
    unit = fields.String(allow_none=True, metadata={"description": "承办单位名称"})
    rate_task_id = fields.String(allow_none=True, metadata={"description": "待评价时的评价任务"})
    contact_name = fields.String(allow_none=True, metadata={"description": "企业留下的联系人"})
    contact_phone = fields.String(allow_none=True)


class ProgressStep(Schema):
    at = fields.String()
    step = fields.String(metadata={"description": "办理进展，如 已转交 市城市管理局 办理"})
    unit = fields.String(allow_none=True, metadata={"description": "转交时：承办单位名称"})
    text = fields.String(allow_none=True, metadata={"description": "告知企业的内容（解决方案、答复、评价）"})


class ProgressOut(Schema):
    case = fields.Nested(ProgressCase)
    steps = fields.List(fields.Nested(ProgressStep))


class PageArgs(Schema):
    # Bounded so that the offset fits every database's integer (found by fuzzing: a 500).
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000,
                                                                   error="须在 1–100000 之间"))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100, error="须在 1–100 之间"))


class CaseListArgs(PageArgs):
    status = fields.String()


class CasePage(Schema):
    items = fields.List(fields.Nested(CaseOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class HistoryEvent(Schema):
    at = fields.String()
    action = fields.String()
    actor = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    task = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class HistoryOut(Schema):
    number = fields.String()
    events = fields.List(fields.Nested(HistoryEvent))


class RatingIn(Schema):
    rating = fields.String(required=True, validate=_choice(RATINGS))
    rating_comment = fields.String(validate=_length(1000))


class TaskListArgs(PageArgs):
    scope = fields.String(load_default="all", validate=_choice(("all", "mine", "group")))
    status = fields.String(load_default="ready", validate=_choice(("ready", "completed", "cancelled")))
    name = fields.String(metadata={"description": "BPMN 任务 id,如 dispatch"})
    case_number = fields.String()
    sort = fields.String(load_default="created_at",
                         validate=_choice(("created_at", "-created_at", "due_at")))
    after = fields.String(validate=[_length(300, 1), validate.Regexp(r"^[A-Za-z0-9_-]+$", error="无效的翻页位置")],
                          metadata={
                              "description": "上一页答复的 `next`：从该行之后继续（任意深度，不跳过、不重复；给出时忽略 page）"})


class TaskOut(Schema):
    id = fields.String()
    name = fields.String()
    title = fields.String()
    lane = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    status = fields.String()
    assignee_id = fields.Integer(allow_none=True)
    red_list = fields.Boolean(metadata={"description": STAFF_ONLY})
    form = fields.String(allow_none=True)
    created_at = fields.String()
    completed_at = fields.String(allow_none=True)
    case = fields.Dict()
    form_schema = fields.Dict()
    deadline_clock = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    seconds_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    context = fields.Nested(TaskContext, metadata={
        "description": "办理所需的情况（仅单个任务 GET /api/tasks/{id}）：轮次、此前各轮的答复、评价与督办意见，退单、协办意见、延期申请等"})


class TaskPage(Schema):
    items = fields.List(fields.Nested(TaskOut))
    total = fields.Integer(metadata={"description": "待办数，最多数到 1000（见 total_capped）"})
    total_capped = fields.Boolean(metadata={"description": "为 true 时实际待办多于 total（计数到上限即停）"})
    next = fields.String(allow_none=True, metadata={"description": "下一页的 after 值；没有下一页时为 null"})
    page = fields.Integer()
    per_page = fields.Integer()


class TaskCompleteIn(Schema):
    data = fields.Dict(load_default=dict, metadata={"description": "按任务表单 JSON Schema 填写的数据"})


class EnterpriseArgs(Schema):
    q = fields.String(load_default="", metadata={"description": "名称、信用代码或电话"})


class EnterpriseOut(Schema):
    id = fields.Integer()
    credit_code = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    red_list = fields.Boolean()
    red_list_category = fields.String(allow_none=True)


class UnitOut(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()


# The file kinds a deployment holds (app.engine.bundle.file_kind), stated for the document.
_ONE_LINE = "[^\\u0000-\\u001f\\u007f-\\u009f]*"
FILENAME_PATTERN = f"^(forms/{_ONE_LINE}\\.json|{_ONE_LINE}\\.(bpmn|dmn))$"


class ProcessFileIn(Schema):
    filename = fields.String(required=True, validate=_length(200, 1),
                             metadata={"description": "workflows/ 下的文件名：*.bpmn、*.dmn 或 forms/*.json",
                                       "pattern": FILENAME_PATTERN})
    content = fields.String(required=True, validate=_length(1024 * 1024, 1))


class DeploymentOut(Schema):
    id = fields.Integer()
    bundle_hash = fields.String()
    files = fields.List(fields.String())
    created_at = fields.String()
    created = fields.Boolean()
    reactivated = fields.Boolean(metadata={"description": "与一个较早部署的文件相同：新诉求重新按该部署运行"})


class ExtensionIn(Schema):
    reason = fields.String(required=True, validate=_length(1000, 1))
    requested_due = fields.String(required=True, validate=_length(40, 10),
                                  metadata={"description": "新的办结时限,ISO 8601 带时区"})


class SupervisionCase(Schema):
    number = fields.String()
    status = fields.String()
    status_label = fields.String()
    current_step = fields.String(allow_none=True)
    red_list = fields.Boolean()
    overdue = fields.Boolean()
    kind = fields.String()
    enterprise = fields.String()
    unit = fields.String(allow_none=True)
    dissatisfied_rounds = fields.Integer()
    clocks = fields.List(fields.Nested(ClockOut))
    open_tasks = fields.List(fields.Dict())
    supervisor_task = fields.String(allow_none=True, metadata={"description": "督办员待办理的任务编号"})


class DueSoonArgs(Schema):
    hours = fields.Integer(load_default=4, validate=validate.Range(min=1, max=168, error="须在 1–168 之间"))


class DiagramProcess(Schema):
    process_id = fields.String(metadata={"description": "BPMN 流程 id,如 enterprise_demand"})
    name = fields.String(metadata={"description": "流程名称"})
    filename = fields.String()
    xml = fields.String(metadata={"description": "该诉求所用部署中的 BPMN 文件"})
    completed = fields.List(fields.String(), metadata={"description": "本流程中已完成的元素 id"})
    current = fields.List(fields.String(), metadata={"description": "当前待办及其所在阶段"})
    overdue = fields.List(fields.String(), metadata={"description": "已超期的阶段和待办"})


class DiagramOut(Schema):
    number = fields.String()
    deployment_id = fields.Integer()
    processes = fields.List(fields.Nested(DiagramProcess),
                            metadata={"description": "主流程,然后是它调用的流程(承办单位办理)"})
    completed = fields.List(fields.String())
    current = fields.List(fields.String())
    overdue = fields.List(fields.String())


class KnowledgeArgs(Schema):
    q = fields.String(load_default="", validate=_length(200),
                      metadata={"description": "检索词,空格分隔,须全部出现在标题、答复或标签中"})
    domain = fields.String(load_default=None, validate=_length(50),
                           metadata={"description": "诉求领域"})


class KnowledgeOut(Schema):
    id = fields.Integer()
    title = fields.String()
    answer = fields.String()
    domain = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    updated_at = fields.String()
