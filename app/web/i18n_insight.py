"""English for the P18 dashboard (merged into i18n.EN)."""
from __future__ import annotations

EN_INSIGHT: dict[str, str] = {
    "决策分析": "Insight", "起始日": "From", "截止日": "To", "全部": "All", "镇街": "Town",
    "领域": "Domain", "渠道": "Channel", "仅红名单": "Red list only", "排除红名单": "Without red list",
    "趋势粒度": "Trend by", "按日": "Day", "按周": "Week", "按月": "Month", "查询": "Apply",
    "导出": "Export", "核心指标": "Key figures", "趋势": "Trend", "热点领域": "Hotspots",
    "与上一期比较": "Compared with the previous period", "未限定期间，无环比": "No period chosen: no change shown",
    "承办单位排名": "Unit ranking", "诉求量": "Demands", "派单量": "Dispatched",
    "直接答复量": "Direct replies", "直接答复率（%）": "Direct-reply rate (%)",
    "咨询直接答复率（%）": "Direct-reply rate of consultations (%)",
    "按时响应率（%）": "On-time response (%)", "按时提出方案率（%）": "On-time solution (%)",
    "按时办结率（%）": "On-time resolution (%)", "评价数": "Rated", "满意率（%）": "Satisfaction (%)",
    "含基本满意的满意率（%）": "Satisfaction incl. basically satisfied (%)",
    "平均办理时长（小时）": "Average handling time (h)", "P90 办理时长（小时）": "P90 handling time (h)",
    "退单数": "Returns", "延期数": "Extensions", "按时响应率": "On-time response",
    "按时提出方案率": "On-time solution", "按时办结率": "On-time resolution", "满意率": "Satisfaction",
    "含基本满意": "Incl. basically satisfied", "该条件下没有派单。": "No dispatched cases for these filters.",
    "镇街 × 领域": "Town × domain", "投诉量": "Complaints", "共性问题": "Common problems",
    "暂无共性问题数据。": "No common problems yet.", "咨询热点": "Consultation hotspots",
    "投诉热点": "Complaint hotspots", "上期": "Previous period", "本期": "This period",
    "历史数据": "Historical data", "生成的历史数据，无流程实例": "Generated history, no process instance",
    # issue 16: figures agree (a unit's returns) and partial periods are marked
    "仅 {n} 天": "{n} days only", "今日未完": "today not over", "不完整": "partial",
    "（今日未完）": " (today not over)", "（不完整，仅 {n} 天，今日未完）": " (partial: {n} days only, today not over)",
    "虚线标出的期间不完整，数字不可与完整期间直接比较":
        "Periods marked by a dashed line are partial; their figures do not compare with full periods",
    "各单位的诉求量、按时率、满意率和延期数按现承办单位计；退单数为该单位退回、经派单员同意改派的件数。"
    "按承办单位筛选时，核心指标、排名和导出都只计该单位。":
        "A unit's demands, on-time rates, satisfaction and extensions count the cases it now "
        "handles; its returns are the cases it sent back and the dispatcher re-routed. With a unit "
        "filter, the key figures, the ranking and the exports count that unit only.",
}
