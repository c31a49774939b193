/* Chinese for the BPMN designer's panels (loaded after modeler-zh.js on Chinese pages): the
 * properties panel, lint overlay, minimap (all through bpmn-js's translate) and the token
 * simulation, which writes its texts without translate (modeler.js replaces them in the page). */
(function () {
  "use strict";
  window.QISU_MODELER_ZH = Object.assign(window.QISU_MODELER_ZH || {}, {
    // properties panel (bpmn-js-properties-panel's BPMN groups)
    "General": "常规", "Name": "名称", "ID": "标识（ID）", "Documentation": "说明",
    "Element documentation": "元素说明", "Process documentation": "流程说明",
    "Process name": "流程名称", "Process ID": "流程标识", "Participant Name": "参与者名称",
    "Executable": "可执行", "Timer": "定时", "Type": "类型", "Value": "值",
    "Date": "日期", "Duration": "时长", "Cycle": "周期", "<none>": "（无）",
    "Message": "消息", "Signal": "信号", "Error": "错误", "Escalation": "升级", "Link": "链接",
    "Code": "代码", "Compensation": "补偿", "Multi-instance": "多实例",
    "Loop cardinality": "循环次数", "Completion condition": "完成条件", "Completion": "完成",
    "Global message reference": "消息", "Global signal reference": "信号",
    "Global error reference": "错误", "Global escalation reference": "升级",
    "Create new ...": "新建…", "Activity reference": "活动引用", "Wait for completion": "等待完成",
    "Cancel remaining instances": "取消其余实例",
    "Select an element to edit its properties.": "选择一个元素以编辑其属性。",
    "Multiple elements are selected. Select a single element to edit its properties.":
      "选中了多个元素。请只选择一个元素来编辑属性。",
    "ID must be unique.": "标识必须唯一。", "ID must not be empty.": "标识不能为空。",
    "ID must not contain spaces.": "标识不能包含空格。", "ID must be a valid QName.": "标识须为合法的 QName。",
    "ID must not contain prefix.": "标识不能包含前缀。",
    "A specific point in time defined as ISO 8601 combined date and time representation.":
      "ISO 8601 日期时间表示的时间点。",
    "A time duration defined as ISO 8601 durations format.": "ISO 8601 时长格式表示的时长。",
    "A cycle defined as ISO 8601 repeating intervals format.": "ISO 8601 重复间隔格式表示的周期。",
    "Documentation: Timer events": "说明：定时事件",
    "1 hour and 30 minutes": "1 小时 30 分钟", "14 days": "14 天", "15 seconds": "15 秒",
    "UTC time": "UTC 时间", "UTC plus 2 hours zone offset": "UTC 加 2 小时时区",
    "every 10 seconds, up to 5 times": "每 10 秒一次，最多 5 次", "every day, infinitely": "每天一次，不限次数",
    // the panel's header: the element's type
    "Collaboration": "协作", "Process": "流程", "Participant": "池（参与者）", "Lane": "泳道",
    "Task": "任务", "User Task": "用户任务", "Service Task": "服务任务", "Script Task": "脚本任务",
    "Business Rule Task": "业务规则任务", "Manual Task": "手工任务", "Send Task": "发送任务",
    "Receive Task": "接收任务", "Call Activity": "调用活动", "Sub Process": "子流程",
    "Exclusive Gateway": "排他网关", "Parallel Gateway": "并行网关", "Inclusive Gateway": "包容网关",
    "Event Based Gateway": "事件网关", "Sequence Flow": "顺序流", "Start Event": "开始事件",
    "End Event": "结束事件", "Boundary Event": "边界事件", "Timer Boundary Event": "定时边界事件",
    "Timer Boundary Event (Non Interrupting)": "定时边界事件（非中断）",
    "Error Boundary Event": "错误边界事件", "Signal Boundary Event": "信号边界事件",
    "Signal Boundary Event (Non Interrupting)": "信号边界事件（非中断）",
    "Timer Start Event": "定时开始事件", "Signal Start Event": "信号开始事件",
    "Signal Start Event (Non Interrupting)": "信号开始事件（非中断）",
    "Error End Event": "错误结束事件", "Terminate End Event": "终止结束事件",
    "Signal End Event": "信号结束事件", "Message End Event": "消息结束事件",
    "Timer Intermediate Catch Event": "定时中间捕获事件", "Signal Intermediate Catch Event": "信号中间捕获事件",
    "Message Intermediate Catch Event": "消息中间捕获事件", "Signal Intermediate Throw Event": "信号中间抛出事件",
    "Intermediate Throw Event": "中间抛出事件", "Text Annotation": "文本注释", "Data Object Reference": "数据对象",
    "Data Store Reference": "数据存储", "Association": "关联", "Group": "分组",
    // lint overlay, minimap
    "No Issues": "没有问题",
    "Toggle linting overlays": "显示/隐藏规则检查", "Issues for child elements": "子元素的问题",
    "{errors} Errors, {warnings} Warnings": "{errors} 个错误，{warnings} 个警告",
    "Open minimap": "打开缩略图", "Close minimap": "关闭缩略图",
    // token simulation (replaced in the page)
    "Token Simulation": "令牌模拟", "Reset Simulation": "重置模拟",
    "Play/Pause Simulation": "播放/暂停模拟", "Toggle Simulation Log": "模拟日志",
    "Set Sequence Flow": "选择顺序流", "Trigger Event": "触发事件",
    "Add pause point": "添加暂停点", "Remove pause point": "移除暂停点",
    "Play Simulation": "继续模拟", "Pause Simulation": "暂停模拟", "Finished": "已结束",
    "Process started": "流程已开始", "Process finished": "流程已结束", "Process canceled": "流程已取消",
    "SubProcess started": "子流程已开始", "SubProcess finished": "子流程已结束",
    "Not supported": "不支持", "Found unsupported elements": "发现不支持的元素",
  });
})();
