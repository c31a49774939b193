"""Chinese first, English available: `_("待办")` renders English when the user chose it.

Texts are keyed by their Chinese wording; a missing English entry falls back to Chinese.
The language comes from the `lang` cookie (set by /lang/<code>), else Accept-Language.
"""
from __future__ import annotations

from flask import g, request

from .i18n_insight import EN_INSIGHT
from .i18n_work import EN_WORK
from .i18n_workflows import EN_WORKFLOWS

LANGUAGES = ("zh", "en")

EN: dict[str, str] = {
    "企诉 · 企业诉求快速响应平台": "QiSu · Enterprise Demand Response Platform",
    "登录": "Log in", "退出": "Log out", "用户名": "Username", "密码": "Password",
    "待办": "Tasks", "我的待办": "My tasks", "督办": "Supervision", "受理": "Intake",
    "我的诉求": "My demands", "提交诉求": "Submit a demand", "流程设计": "Process design",
    "知识库": "Knowledge base", "诉求编号": "Case no.", "环节": "Step", "类型": "Kind",
    "内容": "Description", "状态": "Status", "时限": "Deadline", "红名单": "Red list",
    "已签收": "Accepted", "暂无待办任务。": "No open tasks.", "共": "Total", "项": "items",
    "办理记录": "History", "办理时限": "Deadlines", "承办单位": "Receiving unit",
    "直接答复": "Direct reply", "办理结果": "Result", "评价": "Rating", "时间": "Time",
    "操作": "Action", "操作人": "By", "轮次": "Round", "起算": "Started", "到期": "Due",
    "完成": "Met at", "结果": "Outcome", "计时中": "Running", "按时": "On time", "超期": "Overdue",
    "暂停": "paused", "已取消": "cancelled", "工作日": "working days", "自然时间": "natural time",
    "退单情况": "The return", "退单单位": "Returned by", "退单时间": "Returned at", "退单理由": "Reason",
    "申请办结延期": "Request an extension", "新的办结时限": "New resolution deadline", "延期理由": "Reason",
    "提交延期申请": "Request the extension", "已提交延期申请，待督办员审批": "Extension requested; a supervisor will decide",
    "延期申请未提交：": "The extension was not requested: ", "请填写新的办结时限": "Enter the new resolution deadline",
    "请填写延期理由": "Enter the reason",
    "确需更多时间办结的，可在到期前申请延期，由督办员审批；审批期间照常办理。":
        "If you need more time, request an extension before the deadline; a supervisor decides, and you go on handling meanwhile.",
    "字符 n-gram 线性 SVM": "Character n-gram linear SVM", "字词特征线性 SVM": "Word and character linear SVM",
    "两模型集成": "Ensemble of two models", "三模型集成": "Ensemble of three models",
    "CSV 文件 {name}": "CSV file {name}", "已办结诉求 {n} 件": "{n} closed cases", "命令行": "command line",
    "调整阈值": "Change threshold",
    "提交的数据未通过校验，请修改标红的项目。": "The form has errors: correct the fields marked in red.",
    "共 {n} 项": "{n} in all",
    "百分比是各领域的概率；是否自动派单看首选领域的评分是否达到阈值":
        "The percentages are each domain's probability; automatic dispatch depends on whether the first domain's score reaches the threshold",
    "自动派单评分 {score}（阈值 {threshold}）": "Auto-dispatch score {score} (threshold {threshold})",
    "提出方案": "Propose a solution",
    "请修改标红的项目": "Correct the fields marked in red",
    "协办单位不能与主办单位相同": "A co-handling unit cannot be the lead unit",
    "该版本的自动派单均已抽取过": "Every automatic dispatch of this version has been drawn",
    "须晚于当前办结时限 {due}": "Must be after the current resolution deadline {due}",
    "延期申请待审批": "Extension request awaiting a decision", "申请延至 {due}": "requested until {due}",
    "已受理并自动派单至 {unit}": "Accepted and dispatched automatically to {unit}",
    "（工作日）": " (working days)", "（自然时间）": " (natural time)", "企业电话": "Enterprise phone",
    "不满意轮次：{n}": "Dissatisfied rounds: {n}", "办理进展": "Progress", "进展": "Step",
    "承办单位已办结答复，请对办理结果进行评价。": "The unit has replied; please rate the result.",
    "已转交 {unit} 办理": "Passed to {unit}", "诉求已受理": "Demand received",
    "已转交承办单位办理": "Passed to the handling unit", "承办单位已签收": "The unit accepted it",
    "承办单位已联系企业": "The unit contacted you", "承办单位已提出解决方案": "The unit proposed a solution",
    "承办单位已办结答复": "The unit replied", "协办单位已提交办理意见": "A co-handling unit gave its opinion",
    "不满意，已转督办员回访督办": "Not satisfied: passed to a supervisor to follow up",
    "已提请领导批示": "Referred to the leadership", "已超期，转督办员督办": "Overdue: passed to a supervisor",
    "承办单位退单，重新派单中": "Returned by the unit; being dispatched again",
    "办结时限已延期": "Resolution deadline extended", "企业已评价": "You rated the result",
    "已直接答复并办结": "Answered directly and closed", "已结案": "Closed",
    "已超期": "Overdue", "即将超期": "Due soon", "不满意": "Dissatisfied",
    "红名单一跟到底": "Red list, followed to the end", "企业": "Enterprise", "当前环节": "Current step",
    "暂无超期诉求。": "No overdue cases.", "暂无即将超期的诉求。": "Nothing due soon.",
    "暂无不满意诉求。": "No dissatisfied cases.", "暂无进行中的红名单诉求。": "No open red-list cases.",
    "用户名或密码错误": "Wrong username or password",
    "登录失败次数过多，请稍后再试": "Too many failed logins; please try again later",
    "无权访问督办页面": "Supervision is not for your role",
    "剩余": "left", "未分类": "Unclassified", "语言": "Language",
}


# Process designer (pages_designer.py, designer*.html, modeler.js).
# P4 domain classifier
EN.update({
    "智能识别领域": "Suggested domain", "智能识别建议": "Domain suggestions",
    "可自动派单": "Auto-dispatch", "模型版本": "Model version", "置信度": "Confidence",
    "未启用分类模型": "No classifier is active", "输入诉求内容后显示": "Shown once the demand is typed",
    "领域": "Domain",
    "确认或改判智能识别的领域（改判会记录，并用于模型再训练）；不填则沿用建议领域":
        "Confirm or correct the suggested domain (a correction is recorded and teaches the next "
        "model); empty keeps the suggestion",
    "确认或修改诉求领域与智能分拨建议的承办单位（主办），可指定协办单位，并确定事项类别（决定办理时限）。":
        "Confirm or change the domain and the suggested receiving unit, add co-units if needed, "
        "and set the matter class (it decides the deadlines).",
})

EN.update({
    "当前部署": "Current deployment", "尚无已部署的流程": "Nothing is deployed yet",
    "新诉求按最新部署启动;每件诉求始终按其启动时的部署运行。":
        "New cases start on the newest deployment; each case keeps the deployment it started on.",
    "流程 (BPMN)": "Processes (BPMN)", "决策表 (DMN)": "Decision tables (DMN)",
    "表单 (JSON Schema)": "Forms (JSON Schema)", "个版本": "versions", "编辑": "Edit",
    "查看": "View", "版本": "Version", "内容哈希": "Content hash", "创建时间": "Created",
    "创建人": "Created by", "所在部署": "In deployments", "比较": "Compare", "当前": "current",
    "系统": "System", "与上一版比较": "Compare with previous", "部署": "Deploy",
    "部署记录": "Deployments", "部署版本": "Deployment",
    "部署人": "Deployed by", "变更文件": "Changed files", "进行中诉求": "Open cases",
    "已结案诉求": "Closed cases", "最新": "newest", "查看诉求": "Cases",
    "比较两个部署中的文件": "Compare a file between two deployments",
    "按此部署运行的诉求": "Cases on this deployment",
    "按此部署运行的进行中诉求": "Open cases on this deployment", "只看进行中": "Open cases only",
    "包括已结案": "Include closed cases", "受理时间": "Received",
    "没有诉求按此部署运行。": "No cases run on this deployment.",
    "XML 源码": "XML source", "校验": "Validate", "视图": "Views",
    "只读:仅流程设计员可以校验和部署。": "Read only: only process designers validate and deploy.",
    "文件加载失败": "Could not load the file", "导入时有警告": "Imported with warnings",
    "校验中…": "Validating…", "部署中…": "Deploying…", "校验通过": "Valid",
    "校验未通过": "Not valid", "已部署为新版本": "Deployed as a new version",
    "内容未变化,沿用部署": "Nothing changed; still deployment", "部署失败": "Deployment failed",
    "部署后新诉求将按此版本运行,进行中的诉求不受影响。确定部署?":
        "New cases will run on this version; running cases are not affected. Deploy?",
    "请求失败": "Request failed", "查看部署": "See deployments", "图形": "Diagram",
    "XML 无法导入图形编辑器": "The XML cannot be opened in the modeler",
    "有未部署的修改": "There are changes not deployed", "元素": "Element", "文件": "File",
    "请先登录": "Please log in", "无权执行此操作": "Not allowed for your role",
    '请求需为 JSON: {"filename", "content"}': 'Send JSON: {"filename", "content"}',
    "版本比较": "Compare versions", "新增": "Added", "删除": "Removed", "修改": "Changed",
    "未变": "Unchanged", "两个版本内容相同": "the two versions are identical",
    "只比较模型元素;图形布局(BPMNDI/DMNDI)的变化不计。":
        "Only model elements are compared; diagram layout (BPMNDI/DMNDI) is ignored.",
    "模型元素没有差异。": "No differences in the model elements.", "名称": "Name",
    "内容变化": "Content", "变化": "Changes",
})


# Tasks, task forms and the case page (pages_tasks.py, pages_cases.py, task/case templates).
EN.update({
    "全部": "All", "我的": "Mine", "待认领": "Unclaimed", "范围": "Scope", "排序": "Sort",
    "按优先级": "By priority", "按时限": "By deadline", "红名单企业的任务排在最前。":
        "Tasks of red-list enterprises come first.", "签收": "Accept", "退回": "Release",
    "办理": "Handle", 
    "未找到该任务": "Task not found", "返回待办": "Back to tasks",
    "诉求概况": "Case summary", "任务": "Task", "待办理": "Open", "已办理": "Done",
    "已办理：{number} {task}": "Done: {number} {task}",
    "认领": "Claim", "取消认领": "Release", "已认领": "Claimed",
    "他人已认领": "Claimed by someone else", "已认领任务": "Task claimed", "已取消认领": "Task released",
    "已由我认领": "Claimed by me", "已由他人认领": "Claimed by", "未认领": "Not claimed",
    "该任务已由他人认领，不能办理。": "Someone else has claimed this task.", "认领任务": "Task claimed", "提交": "Submit", "剩余时间": "Time left",
    "此任务已办理。": "This task is done.", "诉求详情": "Case details",
    "此环节无需填写内容，确认即可办理。": "Nothing to fill in; submit to complete this step.",
    "请选择": "Choose…", "建议": "suggested", "（建议）": " (suggested)", "必填": "Required",
    "按住 Ctrl（Mac 上为 ⌘）可多选": "Hold Ctrl (⌘ on a Mac) to choose several",
    "每行一项": "One per line", "时间格式不正确": "Not a valid date and time",
    "须为数字": "Must be a number", "建议承办单位": "Suggested unit", "联系人": "Contact",
    "诉求内容": "Demand", "结案时间": "Closed", "满意度": "Satisfaction", "评价意见": "Comment",
    "不满意轮次": "Dissatisfied rounds", "尚未评价。": "Not rated yet.", "流程图": "Process diagram",
    "已完成": "Completed", "流程图加载中…": "Loading the diagram…",
    "流程图加载失败": "The diagram could not be loaded",
    "启用 JavaScript 后可查看流程图；办理记录见下表。":
        "Turn on JavaScript to see the diagram; the history below lists every step.",
    "详情": "Details", "是": "yes", "否": "no", "领域": "Domain", "渠道": "Channel",
    "理由": "Reason", "申请期限": "Requested deadline", "响应时限": "Response deadline",
    "方案时限": "Solution deadline", "办结时限": "Resolution deadline",
    # Recorded actions.
    "生成待办": "Task opened",
    "派单": "Dispatch", "改派": "Dispatch (override)", "转办": "Re-dispatch",
    "开始计时": "Clocks started", "恢复计时": "Clocks resumed", "催办": "Urged",
    "时限到达": "Deadline timer", "退单": "Return", "协办超时": "Co-handling timed out",
    "申请延期": "Extension requested", "批准延期": "Extension approved",
    "驳回延期": "Extension rejected", "结案": "Closed",
    # Task names and form fields (workflows/).
    "表扬确认": "Acknowledge praise", "退单审核": "Review return", "督办回访": "Supervise and revisit",
    "回访": "Revisit", "领导批示": "Leader's instruction", "联系企业": "Contact the enterprise",
    "提出解决方案": "Propose a solution", "办结答复": "Reply", "协办": "Co-handle",
    "超期督办": "Overdue supervision", "延期审批": "Extension approval",
    "备注": "Note", "审批结果": "Decision", "审批意见": "Comment", "协办意见": "Co-unit's opinion",
    "联系时间": "Contacted at", "联系方式": "Contact method", "联系情况": "Contact notes",
    "改派理由": "Reason for the override", "协办单位": "Co-handling units",
    "事项类别": "Matter class", "批示内容": "Instruction", "解决方案": "Solution",
    "答复内容": "Reply text", "审核结果": "Decision", "改派承办单位": "New receiving unit",
    "审核意见": "Comment", "回访记录": "Revisit notes", "签收或退单": "Accept or return",
    "签收备注": "Note", "退单理由": "Reason for the return", "督办意见": "Instruction",
    "批准": "Approve", "驳回": "Reject", "电话": "Phone", "上门": "Visit", "短信": "SMS",
    "视频": "Video", "其他": "Other", "解决": "Resolved", "部分解决": "Partly resolved",
    "未解决": "Not resolved", "同意退单": "Accept the return", "驳回退单": "Reject the return",
    "非常满意": "Very satisfied", "满意": "Satisfied", "基本满意": "Basically satisfied",
    "非常不满意": "Very dissatisfied",
    # Messages from the services shown on these pages.
    "该任务已被他人签收": "Someone else has claimed this task",
    "只能退回自己签收的任务": "You can only release a task you claimed",
    "任务状态已变化，请刷新": "The task changed; reload the page",
    "任务已不在待办状态": "The task is no longer open", "该任务已由他人认领": "Someone else has claimed this task",
    "提交的数据未通过校验": "The form has errors", "未找到该诉求": "Case not found",
    "改派至非建议单位时须填写改派理由": "Give a reason when dispatching to a unit other than the suggested one",
    "不能为空": "must not be empty", "不允许的字段": "not allowed",
    "承办单位名称": "Unit name", "镇街": "Town", "办理角色": "Role",
})


# Error pages (app/web/errors.py, error.html; the messages of app/http/errors.py HTTP_CODES).
EN.update({
    "出错了": "Something went wrong", "返回首页": "Back to the home page",
    "页面不存在，请检查地址": "There is no such page; check the address",
    "页面已过期，请刷新后重新提交": "This page has expired; reload it and submit again",
    "未找到对应记录": "Not found", "不支持该请求方法": "This method is not allowed here",
    "服务器内部错误": "Internal server error", "无权访问此页面": "You may not open this page",
    "请求无效": "Bad request", "请求内容过大": "The request is too large",
    "请求过于频繁": "Too many requests", "服务暂不可用,请稍后重试": "Service unavailable; try again later",
})

# P4 classifier versions (pages_routing.py, routing_models.html).
EN.update({
    "分拨模型": "Routing models", "训练样本": "Training examples",
    "阈值": "Threshold", "交叉验证自动派单": "Auto-dispatch in cross-validation", "精确率": "precision",
    "建议次数": "Suggestions", "领域一致率": "Domain agreement", "自动派单": "Auto-dispatched",
    "自动派单未改判": "Auto-dispatched, kept",
    "启用中": "Active", "启用": "Activate", "重新启用": "Activate again", "尚无分拨模型。": "No routing model yet.",
    "已启用分拨模型版本": "Activated routing model version",
    "置信度达到阈值的诉求按分拨规则自动派单，其余由派单员参考前三个建议派单。阈值在训练数据上交叉验证选定（目标精确率 97%）。":
        "Demands whose confidence reaches the threshold are dispatched by the routing table; the dispatcher "
        "decides the others with the top three suggestions. The threshold is chosen by cross-validation on "
        "the training data (target precision 97%).",
    "领域一致率：已派单诉求中最终领域与模型首选建议一致的比例。自动派单未改判：自动派单后领域未被改判的比例，是线上精确率的上限（未被发现的错判也计为未改判）。阈值留空则使用交叉验证选定的阈值。":
        "Domain agreement: the share of dispatched demands whose final domain is the model's first suggestion. "
        "Auto-dispatched, kept: the share of automatic dispatches whose domain was not corrected later — an upper "
        "bound of the live precision (a wrong domain nobody corrected counts as kept). Leave the threshold empty "
        "to use the cross-validated one.",
    "训练与复核标注在服务器上运行：": "Training and label review run on the server:",
    "阈值须在 (0, 1] 之间": "The threshold must be in (0, 1]",
})

# P4 sample audit of automatic dispatches (pages_routing.py, routing_audit.html).
EN.update({
    "分拨抽检": "Routing audit", "抽检精确率": "Audited precision",
    "件": "cases", "已抽取": "Drawn", "判定正确": "Judged right", "判定错误": "Judged wrong",
    "待判定": "To judge", "95% 置信区间": "95% interval", "抽取": "Draw", "抽样数": "Sample size",
    "随机抽样": "Draw at random", "自动派单领域": "Auto-dispatched domain", "判定": "Verdict",
    "置信度": "Confidence", "当前领域": "Current domain", "领域正确": "Domain right",
    "领域错误": "Domain wrong", "正确领域": "Right domain", "正确领域…": "Right domain…",
    "备注（可选）": "Note (optional)", "该版本尚未抽样。": "Nothing drawn for this version yet.",
    "本次抽取 {n} 件": "{n} drawn",
    "没有可抽取的自动派单诉求：该版本的自动派单均已抽取过":
        "Nothing left to draw: every automatic dispatch of this version has been drawn already",
    "{number} 已判定：{verdict}": "{number} judged: {verdict}",
    "抽检精确率：分拨抽检中判定领域正确的比例及其 95% 置信区间，是线上精确率的无偏估计。":
        "Audited precision: the share of audited automatic dispatches judged to have the right domain, with its "
        "95% interval — an unbiased estimate of the live precision.",
    "从某一版本自动派单的诉求中随机抽取，由督办员逐件判定领域是否正确，得到该版本在线上的精确率及其 95% 置信区间。抽到的诉求在判定前一直留在样本中；判定不改变诉求本身，记入办理记录，并作为该诉求的训练标注。":
        "Draw a version's automatically dispatched demands at random; a supervisor judges each one's domain, "
        "which gives the version's live precision with its 95% interval. A drawn demand stays in the sample "
        "until judged; a verdict does not change the demand itself, goes into its history and becomes its "
        "training label.",
    "抽样数须为 1–100": "The sample size must be 1–100",
    "判定为错误时须选择正确的领域": "Choose the right domain when the domain was wrong",
    "正确领域与自动派单领域相同；请判定为正确": "That is the auto-dispatched domain; judge it right instead",
    "判定为正确时不填领域": "Leave the domain empty when the domain was right",
    "判定须为 correct（正确）或 wrong（错误）": "The verdict must be correct or wrong",
    "该抽检已判定，不能重复判定": "This case has already been judged",
    "备注不超过 500 字": "The note may have at most 500 characters",
})

# Intake, knowledge base and enterprise pages (pages_intake.py, pages_knowledge.py,
# pages_enterprise.py, intake.html, knowledge*.html, my_*.html, _intake_*.html, _kb_results.html).
EN.update({
    "企诉": "QiSu", "电话受理": "Phone intake", "识别企业": "Identify the enterprise",
    "统一社会信用代码、企业名称或登记电话": "Credit code, enterprise name or registered phone",
    "如 9144… 或 好来化工 或 137…": "e.g. 9144…, 好来化工 or 137…", "查询": "Search",
    "未找到匹配的企业。": "No matching enterprise.", "统一社会信用代码": "Unified social credit code",
    "镇街": "Town", "登记电话": "Registered phone",
    "尚未选择企业：按信用代码、名称或电话查询后选择。":
        "No enterprise chosen yet: search by credit code, name or phone, then choose one.",
    "红名单企业：优先受理、优先办理，全程强力督办。":
        "Red-list enterprise: answered and handled first, with strong supervision throughout.",
    "龙头骨干": "Leading enterprise", "专精特新": "Specialised and innovative",
    "总部经济": "Headquarters", "诉求信息": "The demand", "诉求类型": "Kind of demand",
    "诉求领域": "Domain", "（未分类）": "(unclassified)", "（企业所在镇街）": "(the enterprise's town)",
    "（不确定）": "(not sure)", "联系电话": "Contact phone",
    "留空则用企业登记电话": "Empty: the enterprise's registered phone",
    "无建议，由派单员确定": "No suggestion; the dispatcher decides",
    "选择诉求领域后显示": "Shown once a domain is chosen",
    "直接答复内容": "Direct reply", "（仅咨询类诉求可直接答复办结）":
        "(only a consultation can be answered and closed directly)",
    "引用知识库": "Citing the knowledge base", "取消引用": "Remove the citation",
    "直接答复办结": "Direct reply and close", "提交派单": "Dispatch",
    "检索知识库": "Search the knowledge base", "检索": "Search", "全部领域": "All domains",
    "如 社保 基数": "e.g. 社保 基数", "如 公积金 封存": "e.g. 公积金 封存",
    "输入关键词检索政策答复，可引用为直接答复。":
        "Search the policy answers by keyword; cite one as the direct reply.",
    "引用此答复": "Cite this answer", "没有找到相关的知识库条目。": "No matching articles.",
    "检索政策答复：标题、内容或标签中包含全部检索词":
        "Search the policy answers: every word in the title, answer or tags",
    "返回知识库": "Back to the knowledge base", "更新时间": "Updated",
    "受理时引用此答复": "Cite this answer at intake",
    "提交的数据未通过校验": "The form has errors", "请修改标红的项目。": "Correct the fields marked in red.",
    "已直接答复并办结": "Answered directly and closed", "已受理，等待派单": "Accepted; waiting for dispatch",
    "去评价": "Rate", "已直接答复": "Answered directly", "上一页": "Previous", "下一页": "Next",
    "分页": "Pages", "还没有诉求。": "No demands yet.",
    "请写明遇到的问题、发生地点和希望得到的帮助":
        "Describe the problem, where it happens and the help you would like",
    "提交后将收到受理短信，可在“我的诉求”中随时查看办理进度和结果。":
        "You will get an SMS acknowledgement; follow progress and result under “My demands”.",
    "诉求已提交，受理短信将发送到联系电话。":
        "Your demand was submitted; an SMS acknowledgement goes to the contact phone.",
    # Kinds and domains (app.domain.vocab).
    "咨询": "Consultation", "求助": "Request for help", "投诉": "Complaint", "表扬": "Praise",
    "劳动和社会保障": "Labour and social security", "城乡建设": "Urban and rural construction",
    "教育文体": "Education, culture and sports", "商贸旅游": "Commerce and tourism",
    "环境保护": "Environmental protection", "卫生计生": "Health", "交通运输": "Transport",
    "市场监管": "Market regulation", "城市管理": "Urban management", "税务": "Taxation",
    "医疗保障": "Medical insurance", "公积金": "Housing provident fund",
    "水电气": "Water, power and gas",
    # Messages of the services shown in place on these forms.
    "请先查询并选择企业": "Search for the enterprise and choose it first",
    "请填写直接答复内容": "Write the direct reply", "请填写诉求内容": "Describe the demand",
    "诉求类型须为 咨询/求助/投诉/建议/表扬 之一": "Choose the kind of demand",
    "未知的诉求领域": "Unknown domain", "只有话务员可以直接答复": "Only agents can reply directly",
    "只有咨询类诉求可以直接答复": "Only a consultation can be answered directly",
    "事项类别须为 urgent/utilities/general/complex 之一": "Choose a matter class",
    "只有直接答复可以引用知识库答复": "Only a direct reply can cite the knowledge base",
    "知识库条目编号应为整数": "The article id must be a number",
    "未找到该知识库条目": "Article not found", "电话号码不能为空": "The phone number is empty",
    "电话号码只能包含数字": "A phone number has digits only",
    "电话号码格式不正确,应为11位手机号或带区号的固定电话":
        "Not a phone number: 11-digit mobile or landline with area code",
    "未找到该统一社会信用代码对应的企业": "No enterprise has this credit code",
    "请提供统一社会信用代码或企业登记电话": "Give the credit code or registered phone",
    "该电话未登记为企业联系电话": "This phone is not registered for an enterprise",
    "渠道须为 web 或 app": "The channel must be web or app",
    "只有话务员、企业用户或开放接口应用可以提交诉求":
        "Only agents, enterprise users and open API clients submit demands",
    # what a third-party app (Open311) sent with its demand, shown in the case's history
    "地址": "Address", "地址编号": "Address id", "纬度": "Latitude", "经度": "Longitude",
    "图片链接": "Media URL", "邮箱": "Email", "设备编号": "Device id", "应用账号": "App account",
})
EN.update(EN_INSIGHT)
EN.update(EN_WORKFLOWS)


# P4 classifier values in the case history (pages_cases.py VALUE_LABELS).
EN.update({
    "识别领域": "Suggested domain", "自动派单评分": "Auto-dispatch score",
    "评分达到阈值": "Score reaches the threshold", "自动派单阈值": "Auto-dispatch threshold",
    "前三建议": "Top three", "模型识别领域": "Model's domain", "改动了识别领域": "Domain changed",
})
EN.update(EN_WORK)


def current_language() -> str:
    if "lang" not in g:
        chosen = request.cookies.get("lang")
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"
        g.lang = chosen
    return g.lang


def gettext(text: str) -> str:
    if current_language() == "en":
        return EN.get(text, text)
    return text
