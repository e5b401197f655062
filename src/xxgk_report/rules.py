"""The catalogue of checks: every finding the tool can report has a stable rule id here.

The ids are a public interface (other tools read them from ``make-report check --format
json``): never renumber one. The README's rule table is checked against this catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from .errors import ERROR, WARNING, Problem


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    #: what the rule asks for, in one Chinese line
    title: str

    def problem(self, path: str, labels: tuple[str, ...], message: str,
                values: Optional[Mapping[str, Any]] = None, cell: str = "") -> Problem:
        return Problem(path, labels, message, self.severity, self.id, dict(values or {}), cell)


_RULES = (
    # The data file itself
    Rule("D1", ERROR, "数据文件能读取，键名、类型和必填项符合数据格式"),
    Rule("V1", ERROR, "每个计数都是非负整数"),
    Rule("V2", ERROR, "行政事业性收费金额是非负数（单位：万元）"),
    Rule("T1", WARNING, "没有空段落（空段落不输出）"),
    Rule("T2", WARNING, "正文没有控制字符（XML 不允许的和看不见的，已删除）"),
    # The fill-in workbook (.xlsx)
    Rule("W1", WARNING, "工作簿：每个输入格都已填写（空白格按 0 读取，逐一列出）"),
    Rule("W2", ERROR, "工作簿：是本工具的填报表，表格的行、列和标签没有被移动或改动，输入格中没有公式"),
    # 勾稽关系 (official-format.md §5)
    Rule("A1", ERROR, "三：每列 一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理"),
    Rule("A2", ERROR, "三：数据中写出的（七）总计 = 三、本年度办理结果各项之和"),
    Rule("A3", ERROR, "三：数据中写出的每行总计 = 各类申请人之和"),
    Rule("B1", ERROR, "四：数据中写出的总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
    # Cross-year (--previous)
    Rule("C1", WARNING, "跨年：本年 二、上年结转 = 上年 四、结转下年度继续办理（每列）"),
    Rule("C2", WARNING, "跨年：现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数"),
    Rule("C3", WARNING, "跨年：上年数据文件的报告年度 = 本报告年度 − 1"),
    Rule("C4", WARNING, "跨年：上年数据文件能够读取（否则不做跨年核对）"),
    # Narrative against the tables
    Rule("N1", WARNING, "正文中的收到（新收、受理）申请件数与表格三一致"),
    Rule("N2", WARNING, "正文中的上年结转件数与表格三一致"),
    Rule("N3", WARNING, "正文中的予以公开（及部分公开）件数与表格三一致"),
    Rule("N4", WARNING, "正文中的办结（答复）件数与表格三（七）总计一致"),
    Rule("N5", WARNING, "正文中的结转下年度件数与表格三一致"),
    Rule("N6", WARNING, "正文中的行政复议件数与表格四一致"),
    Rule("N7", WARNING, "正文中的行政诉讼件数与表格四一致"),
    Rule("N8", WARNING, "正文说「均获维持」时，表格四没有纠正、其他结果或尚未审结的案件"),
    Rule("N9", WARNING, "正文中规章、行政规范性文件的制发、废止、现行有效件数与表格二一致"),
    # Plausibility of the tables
    Rule("P1", WARNING, "乡镇、街道、县区政府和部门的规章栏为 0（规章只能由国务院部门、省级和设区的市级政府制定）"),
    Rule("P2", WARNING, "行政事业性收费以万元填写（≥ 10000 的整数像是以元填写）"),
    # Dates, years, the format cited
    Rule("Y1", WARNING, "成文日期在次年 1 月 1 日至 1 月 31 日之间（县级以上人民政府至 3 月 31 日）"),
    Rule("Y2", WARNING, "标题和正文中的年份不晚于报告年度的次年（「到2025年」「2035年远景目标」等目标年份除外）"),
    Rule("Y3", WARNING, "标题中的年份与报告年度一致"),
    Rule("F1", WARNING, "2021 年度起的报告不引用已废止的国办公开办函〔2019〕60号"),
    Rule("F2", WARNING, "2019、2020 年度报告使用 2019 格式（2021 格式从 2021 年度起使用）"),
    # The sections
    Rule("S1", WARNING, "五、存在的主要问题及改进情况 不缺失、不只写「无」"),
    Rule("S2", WARNING, "六、其他需要报告的事项 说明信息处理费的收取情况（2021 年度起）"),
    Rule("S3", WARNING, "一、总体情况 涵盖五个方面：主动公开、依申请公开、政府信息管理、平台建设、监督保障"),
    Rule("S4", WARNING, "跨年：各章节正文与上年报告的相似度低于 80%（不雷同）"),
    # County summary (make-report sum)
    Rule("U1", ERROR, "汇总：各单位数据能读取、年度和格式一致、不重复，且没有错误"),
    Rule("U2", WARNING, "汇总：名单中的单位都有数据文件，数据文件的单位都在名单中"),
    # The county's review (make-report audit)
    Rule("R1", ERROR, "审核：名单中的每个单位都交来了报告或数据文件（缺报）"),
    Rule("R2", WARNING, "审核：每个文件的机关名称都在单位名单中（名称写法不同的，给出名单中相近的名称）"),
    Rule("R3", ERROR, "审核：一个单位只交一份文件"),
    Rule("R4", WARNING, "审核：各单位的正文没有相同的段落（单位之间雷同）"),
    Rule("R5", WARNING, "审核：两个单位的三张表格数字不完全相同（照抄其他单位的表格）"),
    Rule("R6", ERROR, "审核：各单位的报告年度和格式一致"),
    Rule("R7", ERROR, "审核：每个文件都能读取"),
    Rule("R8", WARNING, "审核：用 --previous 时，上年文件夹中有本单位的报告（否则跨年核对不进行）"),
    # Reading a report back (make-report extract)
    Rule("X1", WARNING, "读回：报告的每一部分、每一行都找到并读出（找不到、读不出的格子逐一列出，不当作 0 核对）"),
    Rule("X2", ERROR, "读回的报告：每个格子都已读出，才能生成正式报告（未读出的格子不能当作 0 印出；--draft 除外）"),
    # Templates (make-report template check; every render checks its template first)
    Rule("M1", ERROR, "模板：是 .docx 文件，每个 XML 部分都合法"),
    Rule("M2", ERROR, "模板：标签能被解析（{{ }} {% %} 成对、语法正确）"),
    Rule("M3", ERROR, "模板：标签中的字段都存在于数据中"),
    Rule("M4", ERROR, "模板：印出每个表格数值、标题和各部分正文"),
    Rule("M5", ERROR, "模板：六个部分的标题与官方格式一字不差"),
    Rule("M6", ERROR, "模板：三张表格的行列、合并单元格和文字与官方格式一致"),
    Rule("M7", ERROR, "模板：不访问内部属性，不引用其他文件（include、import）"),
    Rule("M8", ERROR, "模板：字段属于同一种格式，且与数据的格式一致"),
    Rule("M9", ERROR, "模板：不引用模板以外的文件或网址（远程模板、链接的图片、超链接）"),
    Rule("M10", ERROR, "模板：没有读取外部内容或运行程序的域代码（DDE、INCLUDETEXT 等）、宏和 ActiveX 控件"),
    Rule("M11", ERROR, "模板：用示例数据试生成成功（不超出时间、循环、输出大小的限制）"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
