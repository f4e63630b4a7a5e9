#!/usr/bin/python3
"""Generates N realistic Chinese customers as an ImportCustomers CSV (bulk.proto).

    /usr/bin/python3 tests/perf/gen_customers.py --rows=1000000 --out=customers.csv \
        [--queries=queries.tsv] [--seed=20240601]

Deterministic for a given seed and row count. Rows are written as they are made
(nothing but a set of 64-bit name hashes is kept), so memory stays small.

Every row has: a company name (sometimes a city or province prefix, a 2-4
character trade name, an industry word, a legal-form suffix), unique within its
city by construction (a clash is regenerated); a region and one of that
region's cities as seeded by services/customer/migrations/V0004 (read from the
file, so they always agree); keywords; a landline (area code + 8 digits); a
unique 18-character unified social credit code (GB 32100 layout and check
character); importance/status/grade; annual revenue in yuan with two decimals;
employee count; joined date; status and grade as ExportCustomers writes them
(SIGNED, POTENTIAL); a legal representative; and a primary contact
(Chinese name, mobile 1[3-9]xxxxxxxxx, position).

--queries writes a search query set drawn from the data, one per line:
"category<TAB>mode<TAB>query" (mode fuzzy or exact); see QUERY_MIX.
"""
import argparse
import csv
import hashlib
import os
import random
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CITIES_SQL = os.path.join(ROOT, "services/customer/migrations/V0004__customer_master_data.sql")
DEMO_DATA = os.path.join(ROOT, "tools/crmctl/demo_data.cc")

COLUMNS = [
    "name", "keywords", "region_code", "city", "address", "phone", "email", "status", "grade",
    "importance", "annual_revenue", "employee_count", "legal_representative", "tax_id",
    "industry_code", "type_code", "source_code", "joined_date", "contact_name",
    "contact_mobile", "contact_position",
]

# Relative weight of each city (more companies in the big ones).
CITY_WEIGHT = {
    "上海": 14, "北京": 13, "深圳": 11, "广州": 10, "杭州": 7, "苏州": 7, "南京": 5, "天津": 5,
    "武汉": 5, "宁波": 4, "青岛": 4, "郑州": 4, "长沙": 4, "合肥": 3, "济南": 3, "西安": 4,
    "福州": 3, "厦门": 3, "沈阳": 3, "大连": 3, "石家庄": 2, "太原": 2, "哈尔滨": 2, "长春": 2,
    "南昌": 2, "南宁": 2, "珠海": 2, "汕头": 1, "海口": 1, "兰州": 1, "呼和浩特": 1, "西宁": 1,
    "银川": 1, "乌鲁木齐": 1,
}
# Administrative division (first 4 digits) of each city, for the credit code.
DIVISION = {
    "上海": "3101", "南京": "3201", "苏州": "3205", "杭州": "3301", "宁波": "3302", "合肥": "3401",
    "济南": "3701", "青岛": "3702", "福州": "3501", "厦门": "3502", "南昌": "3601", "北京": "1101",
    "天津": "1201", "石家庄": "1301", "太原": "1401", "呼和浩特": "1501", "郑州": "4101",
    "沈阳": "2101", "大连": "2102", "长春": "2201", "哈尔滨": "2301", "西安": "6101", "兰州": "6201",
    "西宁": "6301", "银川": "6401", "乌鲁木齐": "6501", "广州": "4401", "深圳": "4403",
    "珠海": "4404", "汕头": "4405", "南宁": "4501", "海口": "4601", "武汉": "4201", "长沙": "4301",
}
DISTRICTS = ["高新区", "经济开发区", "工业园区", "新区", "城区", "滨江区", "开发区", "保税区",
             "科技园", "港区", "东区", "西区", "南区", "北区"]
ROADS = ["人民路", "解放路", "中山路", "建设路", "长江路", "黄河路", "和平路", "胜利路", "光明路",
         "科技路", "创业路", "工业大道", "世纪大道", "朝阳路", "新华路", "东方路", "华山路",
         "金桥路", "迎宾大道", "学府路", "文化路", "滨海大道", "锦绣路", "复兴路", "振兴路"]

# Characters of trade names (字号): the usual auspicious ones, weighted by
# repetition, then a long tail so that most two-character pairs are rare.
TRADE_COMMON = ("华鑫源恒达宏图瑞丰泰盛隆兴发祥福嘉和安康永信诚德利通远海天宇腾飞龙金创新博"
                "智晨光明阳东南中亚美佳优卓越睿思维联合众益汇聚成辉煌正大强威力鼎润")
TRADE_TAIL = ("锦绣云峰山川江河湖泽林森松柏竹梅兰菊桂枫杨柳春夏秋冬星月辰星耀彩虹霞晶玉宝珠"
              "琪瑶璐琳凯旋胜捷迅速朗豪杰俊英贤良善忠义礼仁智勇毅坚刚柔顺畅通达广博厚载承启"
              "航帆舟港湾岛屿泉溪涛浪波澜潮汐蓝青紫赤橙黄绿白银铜铁钢镁钛锐锋芯核网数码"
              "尚品雅致精工匠心立本固基扬帆远景前程万方千禧百合九州八方七彩六合五洲四海三元"
              "二龙一品北辰南极西域东升宏远鸿运福临喜来乐康寿禄丰年旺财进宝吉祥如意顺风")
INDUSTRIES = [
    ("电气", "manufacturing", ["电气", "配电柜", "开关", "变压器"]),
    ("科技", "it", ["科技", "软件", "系统集成", "ERP"]),
    ("贸易", "retail", ["贸易", "进出口", "批发"]),
    ("机械", "manufacturing", ["机械", "机床", "设备", "数控"]),
    ("化工", "manufacturing", ["化工", "涂料", "树脂", "原料"]),
    ("物流", "logistics", ["物流", "仓储", "运输", "快递"]),
    ("电子", "manufacturing", ["电子", "元器件", "PCB", "芯片"]),
    ("信息技术", "it", ["信息技术", "云服务", "数据中心"]),
    ("网络科技", "it", ["互联网", "电商", "网络"]),
    ("生物科技", "healthcare", ["生物", "试剂", "检测"]),
    ("医药", "healthcare", ["医药", "药品", "器械"]),
    ("医疗器械", "healthcare", ["医疗", "器械", "耗材"]),
    ("食品", "retail", ["食品", "饮料", "冷链"]),
    ("建材", "construction", ["建材", "水泥", "瓷砖"]),
    ("建筑工程", "construction", ["建筑", "施工", "工程"]),
    ("环保科技", "energy", ["环保", "污水处理", "固废"]),
    ("新能源", "energy", ["新能源", "光伏", "储能"]),
    ("汽车配件", "manufacturing", ["汽车", "配件", "零部件"]),
    ("纺织", "manufacturing", ["纺织", "面料", "服装"]),
    ("家具", "retail", ["家具", "办公家具", "定制"]),
    ("包装", "manufacturing", ["包装", "纸箱", "印刷"]),
    ("实业", "other", ["实业", "投资"]),
    ("文化传媒", "other", ["传媒", "广告", "会展"]),
    ("农业科技", "other", ["农业", "种子", "化肥"]),
    ("智能装备", "manufacturing", ["智能制造", "机器人", "自动化"]),
    ("精密模具", "manufacturing", ["模具", "注塑", "冲压"]),
    ("软件", "it", ["软件", "SaaS", "信息化"]),
    ("电力设备", "energy", ["电力", "电缆", "输配电"]),
    ("钢铁", "manufacturing", ["钢材", "钢铁", "金属"]),
    ("石油化工", "energy", ["石化", "油品", "燃料"]),
    ("五金", "manufacturing", ["五金", "工具", "紧固件"]),
    ("光电", "manufacturing", ["光电", "LED", "照明"]),
    ("通信技术", "telecom", ["通信", "5G", "基站"]),
    ("教育科技", "education", ["教育", "培训", "在线课程"]),
    ("金融服务", "finance", ["金融", "保理", "租赁"]),
]
INDUSTRY_WEIGHT = [10, 12, 9, 8, 5, 6, 7, 5, 5, 3, 3, 3, 4, 3, 4, 3, 4, 3, 3, 2, 2, 4, 3, 2, 3, 2,
                   4, 3, 2, 2, 2, 2, 2, 2, 2]
SUFFIXES = [("有限公司", 62), ("股份有限公司", 18), ("有限责任公司", 8), ("集团有限公司", 6),
            ("集团", 3), ("厂", 3)]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
            "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
            "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏飞俊鑫"
         "婷雪琳晨阳欣怡佳颖思雨子轩梓涵一诺浩然子豪宇航志强海燕秀兰秀英春梅建华国庆")
POSITIONS = ["总经理", "副总经理", "采购经理", "采购专员", "销售总监", "财务经理", "技术总监",
             "办公室主任", "项目经理", "行政主管", "董事长", "工程师"]
TYPE_CODES = [("buyer", 80), ("partner", 10), ("supplier", 8), ("competitor", 2)]
SOURCE_CODES = [("referral", 20), ("exhibition", 15), ("website", 25), ("telemarketing", 20),
                ("advertising", 10), ("partner", 5), ("other", 5)]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 (no I O S V Z)
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def read_cities():
    text = open(CITIES_SQL, encoding="utf-8").read()
    block = text[text.index("INSERT INTO cities"):]
    block = block[:block.index(";")]
    cities = []
    for region, name, province, area in re.findall(
            r"\('([a-z_]+)', '([^']+)', '([^']*)', '(\d+)', \d+\)", block):
        cities.append((region, name, province, area))
    if not cities:
        sys.exit("gen_customers.py: no cities found in " + CITIES_SQL)
    return cities


def demo_names():
    """(name, city) of the demo customers, so no generated row duplicates one."""
    try:
        text = open(DEMO_DATA, encoding="utf-8").read()
    except OSError:
        return []
    return re.findall(r'"demo-customer-\d+", "[^"]*", "([^"]+)", "[a-z]+", "([^"]+)"', text)


def name_key(name, city):
    return int.from_bytes(hashlib.blake2b((city + "|" + name).encode(), digest_size=8).digest(),
                          "little")


def gb11714_check(body):
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    value = lambda ch: int(ch) if ch.isdigit() else ord(ch) - 55  # A = 10
    total = sum(value(ch) * w for ch, w in zip(body, weights))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def gb32100_check(code17):
    total = sum(CREDIT_ALPHABET.index(ch) * (3 ** i % 31) for i, ch in enumerate(code17))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code(index, division):
    """Unique per index: an affine bijection of the index onto 31^8 org-code bodies."""
    space = 31 ** 8
    x = (index * 387420489 + 1234567) % space  # 3^18, coprime with 31
    body = ""
    for _ in range(8):
        body = ORG_ALPHABET[x % 31] + body
        x //= 31
    org = body + gb11714_check(body)
    code17 = "91" + division + org
    return code17 + gb32100_check(code17)


def weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        cities = read_cities()
        self.cities = cities
        self.city_weights = [CITY_WEIGHT.get(c[1], 1) for c in cities]
        self.seen = {name_key(n, c) for n, c in demo_names()}
        self.trade_pool = TRADE_COMMON * 3 + TRADE_TAIL

    def person(self):
        r = self.rng
        surname = r.choice(SURNAMES[:30]) if r.random() < 0.7 else r.choice(SURNAMES)
        given = r.choice(GIVEN)
        if r.random() < 0.55:
            given += r.choice(GIVEN)
        return surname + given

    def company(self, city, province):
        r = self.rng
        trade_len = r.choices([2, 3, 4], [70, 22, 8])[0]
        trade = "".join(r.choice(self.trade_pool) for _ in range(trade_len))
        industry = r.choices(INDUSTRIES, INDUSTRY_WEIGHT)[0]
        suffix = weighted(r, SUFFIXES)
        p = r.random()
        prefix = city if p < 0.55 else (province if p < 0.65 and province != city else "")
        return prefix + trade + industry[0] + suffix, trade, industry

    def row(self, index):
        r = self.rng
        region, city, province, area = r.choices(self.cities, self.city_weights)[0]
        for _ in range(1000):
            name, trade, industry = self.company(city, province)
            key = name_key(name, city)
            if key not in self.seen:
                self.seen.add(key)
                break
        else:
            raise RuntimeError("cannot find a free name in " + city)
        digits = str(r.randint(2, 8)) + "".join(str(r.randint(0, 9)) for _ in range(7))
        style = r.random()
        if style < 0.6:
            phone = area + "-" + digits
        elif style < 0.9:
            phone = area + "-" + digits[:4] + "-" + digits[4:]
        else:
            phone = "(" + area + ")" + digits
        keywords = " ".join(r.sample(industry[2], r.randint(1, min(3, len(industry[2])))))
        revenue_yuan = int(10 ** r.uniform(5, 9.7))
        revenue = "%d.%02d" % (revenue_yuan, r.randint(0, 99)) if r.random() < 0.3 else str(
            revenue_yuan)
        employees = int(10 ** r.uniform(0.7, 4.3))
        year = r.randint(2005, 2024)
        joined = "%04d-%02d-%02d" % (year, r.randint(1, 12), r.randint(1, 28))
        contact = self.person()
        mobile = "1" + str(r.randint(3, 9)) + "".join(str(r.randint(0, 9)) for _ in range(9))
        address = "%s市%s%s%d号" % (city, r.choice(DISTRICTS), r.choice(ROADS), r.randint(1, 999))
        email = "info%d@example.com.cn" % index if r.random() < 0.4 else ""
        division = DIVISION.get(city, "1000") + "%02d" % r.randint(1, 15)
        return {
            "name": name,
            "keywords": keywords,
            "region_code": region,
            "city": city,
            "address": address,
            "phone": phone,
            "email": email,
            "status": r.choices(["SIGNED", "FOLLOWING_UP", "TERMINATED"], [30, 60, 10])[0],
            "grade": r.choices(["EFFECTIVE", "POTENTIAL", "INTENDED"], [35, 40, 25])[0],
            "importance": r.choices("inp", [15, 60, 25])[0],
            "annual_revenue": revenue,
            "employee_count": employees,
            "legal_representative": self.person(),
            "tax_id": credit_code(index, division),
            "industry_code": industry[1],
            "type_code": weighted(r, TYPE_CODES),
            "source_code": weighted(r, SOURCE_CODES),
            "joined_date": joined,
            "contact_name": contact,
            "contact_mobile": mobile,
            "contact_position": r.choice(POSITIONS),
            "_trade": trade,
            "_industry": industry[0],
        }


# Query categories: (category, how many, mode).
QUERY_MIX = [
    ("name2", 30, "fuzzy"),       # two consecutive characters of a trade name
    ("name3", 30, "fuzzy"),       # three characters across trade name and industry (华东电)
    ("name4plus", 20, "fuzzy"),   # four to six characters of a name
    ("exact", 15, "exact"),       # a whole name, exact mode
    ("fullname", 10, "fuzzy"),    # a whole name, fuzzy mode (ranked first)
    ("phone", 25, "fuzzy"),       # four to eight digits of a landline
    ("mobile", 20, "fuzzy"),      # four to eleven digits of a contact's mobile
    ("contact", 20, "fuzzy"),     # a contact's whole name (common ones repeat a lot)
    ("keyword", 10, "fuzzy"),     # a keyword
]
COMMON_QUERIES = ["有限公司", "科技", "股份有限公司", "上海", "电气", "集团", "华", "公司",
                  "有限", "北京", "021", "1380"]
RARE_QUERIES = ["不存在的公司", "鼹鼠", "量子纠缠", "9999999999", "西门子", "哈尔滨冰城食品"]


def make_queries(rng, sample):
    """sample: a list of rows (dicts)."""
    out = []
    pick = lambda: rng.choice(sample)
    for category, count, mode in QUERY_MIX:
        for _ in range(count):
            row = pick()
            name = row["name"]
            if category == "name2":
                t = row["_trade"]
                i = rng.randint(0, len(t) - 2)
                q = t[i:i + 2]
            elif category == "name3":
                body = row["_trade"] + row["_industry"]
                start = rng.randint(max(0, len(row["_trade"]) - 2), len(row["_trade"]) - 1)
                q = body[start:start + 3]
            elif category == "name4plus":
                n = rng.randint(4, 6)
                i = rng.randint(0, max(0, len(name) - n))
                q = name[i:i + n]
            elif category in ("exact", "fullname"):
                q = name
            elif category == "phone":
                d = re.sub(r"\D", "", row["phone"])
                n = rng.randint(4, 8)
                i = rng.randint(0, len(d) - n)
                q = d[i:i + n]
            elif category == "mobile":
                d = row["contact_mobile"]
                n = rng.randint(4, 11)
                i = rng.randint(0, len(d) - n)
                q = d[i:i + n]
            elif category == "contact":
                q = row["contact_name"]
            else:
                q = rng.choice(row["keywords"].split(" "))
            out.append((category, mode, q))
    out += [("common", "fuzzy", q) for q in COMMON_QUERIES]
    out += [("rare", "fuzzy", q) for q in RARE_QUERIES]
    out.append(("example", "fuzzy", "华东电"))  # the example: 上海华东电气有限公司 (demo data)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--queries", help="also write a query set drawn from the data")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()

    gen = Generator(args.seed)
    sample_rng = random.Random(args.seed + 1)  # separate, so the rows do not depend on it
    sample, sample_size = [], 2000
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in range(args.rows):
            row = gen.row(i)
            writer.writerow([row[c] for c in COLUMNS])
            if len(sample) < sample_size:  # reservoir sample of rows for the queries
                sample.append(row)
            else:
                j = sample_rng.randint(0, i)
                if j < sample_size:
                    sample[j] = row
    os.replace(tmp, args.out)
    if args.queries:
        with open(args.queries, "w", encoding="utf-8") as f:
            for category, mode, q in make_queries(random.Random(args.seed + 2), sample):
                f.write("%s\t%s\t%s\n" % (category, mode, q))


if __name__ == "__main__":
    main()
