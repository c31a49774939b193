"""A small labelled set of demand texts for training a classifier in tests (three domains)."""
from __future__ import annotations

import csv
from pathlib import Path

SUBJECTS = {
    "劳动和社会保障": ["社保缴费基数", "职工养老保险", "失业保险稳岗返还", "工伤保险认定", "员工社保转移",
                "拖欠职工工资", "劳动合同备案", "社保卡办理", "灵活就业社保", "企业年金"],
    "环境保护": ["工厂废气排放", "夜间噪音扰民", "污水直排河道", "环评审批进度", "危险废物处置",
             "扬尘污染严重", "排污许可证办理", "油烟污染", "土壤污染治理", "环保验收"],
    "交通运输": ["货车通行证办理", "道路运输许可", "公交线路调整", "物流车辆限行", "港口货运手续",
             "出租车营运证", "道路施工封闭", "网约车许可", "超限运输审批", "客运站班次"],
}
TEMPLATES = ["我司咨询{s}的问题，请相关部门答复", "关于{s}，企业遇到困难希望尽快处理",
             "{s}办理进度缓慢，请帮忙协调", "反映{s}相关情况，望予以解决"]


def rows() -> list[tuple[str, str]]:
    return [(t.format(s=s), domain) for domain, subjects in SUBJECTS.items()
            for s in subjects for t in TEMPLATES]


def write_csv(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows())
    return path
