"""xxgk-report: the 政府信息公开工作年度报告 as an official Word document, from YAML or JSON."""

__version__ = "0.1.0"
