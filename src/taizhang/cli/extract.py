"""``taizhang extract`` — placeholder registration replaced by the extraction work (issue 2)."""


def register(sub):
    p = sub.add_parser("extract", help="从方案文件抽取任务台账")
    p.add_argument("path")
    p.set_defaults(func=lambda args: 1)
