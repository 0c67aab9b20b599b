// The demo chain's master data: a Chinese supermarket's catalog of a few thousand products,
// generated deterministically (same seed, same catalog) so a second `npm start` sees the same
// data. Packaged goods carry real-format EAN-13 codes (GS1 China prefixes 690-699); fresh goods
// are weighed and carry scale PLUs; VAT rates follow Chinese retail: 13% packaged goods, 9%
// grain/oil/fruit/aquatic, 0% vegetables, meat and eggs (exempt at retail).
import { type Barcode, type Price, type Product, type Promotion, withCheckDigit } from "@retail/protocol";

/** Mulberry32: small, fast, deterministic. Not for money; only for picking demo data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Word {
  zh: string;
  py: string;
  en: string;
}
const w = (zh: string, py: string, en: string): Word => ({ zh, py, en });

interface CategorySpec {
  path: [string, string];
  name: string;
  taxRate: 0 | 9 | 13;
  weighed: boolean;
  unit: Product["unit"];
  /** Price range in fen (per unit, or per kg when weighed). */
  price: [number, number];
  brands: Word[];
  items: Word[];
  specs: Word[];
}

const packaged = (
  path: [string, string],
  name: string,
  taxRate: 9 | 13,
  unit: Product["unit"],
  price: [number, number],
  brands: Word[],
  items: Word[],
  specs: Word[],
): CategorySpec => ({ path, name, taxRate, weighed: false, unit, price, brands, items, specs });

const fresh = (
  path: [string, string],
  name: string,
  taxRate: 0 | 9 | 13,
  price: [number, number],
  items: Word[],
): CategorySpec => ({
  path,
  name,
  taxRate,
  weighed: true,
  unit: "KG",
  price,
  brands: [],
  items,
  specs: [],
});

export const CATEGORIES: CategorySpec[] = [
  packaged(
    ["11", "1101"],
    "饮料",
    13,
    "BTL",
    [250, 800],
    [
      w("可口可乐", "kkkl", "Coca-Cola"),
      w("百事", "bs", "Pepsi"),
      w("农夫山泉", "nfsq", "Nongfu Spring"),
      w("康师傅", "ksf", "Master Kong"),
      w("统一", "ty", "Uni-President"),
      w("元气森林", "yqsl", "Genki Forest"),
      w("王老吉", "wlj", "Wanglaoji"),
    ],
    [
      w("可乐", "kl", "cola"),
      w("矿泉水", "kqs", "mineral water"),
      w("冰红茶", "bhc", "iced black tea"),
      w("绿茶", "lc", "green tea"),
      w("苏打气泡水", "sdqps", "sparkling water"),
      w("凉茶", "lc", "herbal tea"),
      w("橙汁", "cz", "orange juice"),
    ],
    [
      w("330ml", "330ml", "330ml"),
      w("500ml", "500ml", "500ml"),
      w("1.5L", "15l", "1.5L"),
      w("550ml", "550ml", "550ml"),
    ],
  ),
  packaged(
    ["11", "1102"],
    "乳品",
    13,
    "BOX",
    [350, 6990],
    [
      w("伊利", "yl", "Yili"),
      w("蒙牛", "mn", "Mengniu"),
      w("光明", "gm", "Bright"),
      w("君乐宝", "jlb", "Junlebao"),
    ],
    [
      w("纯牛奶", "cnn", "whole milk"),
      w("酸奶", "sn", "yogurt"),
      w("高钙奶", "ggn", "high-calcium milk"),
      w("早餐奶", "zcn", "breakfast milk"),
    ],
    [w("250ml", "250ml", "250ml"), w("12盒装", "12hz", "12-pack"), w("1L", "1l", "1L")],
  ),
  packaged(
    ["11", "1103"],
    "酒类",
    13,
    "BTL",
    [450, 49900],
    [
      w("青岛", "qd", "Tsingtao"),
      w("雪花", "xh", "Snow"),
      w("燕京", "yj", "Yanjing"),
      w("牛栏山", "nls", "Niulanshan"),
      w("张裕", "zy", "Changyu"),
    ],
    [w("啤酒", "pj", "beer"), w("二锅头", "egt", "erguotou"), w("干红葡萄酒", "ghptj", "dry red wine")],
    [w("500ml", "500ml", "500ml"), w("750ml", "750ml", "750ml"), w("6罐装", "6gz", "6-can pack")],
  ),
  packaged(
    ["10", "1001"],
    "休闲零食",
    13,
    "BAG",
    [350, 3990],
    [
      w("旺旺", "ww", "Want Want"),
      w("达利园", "dly", "Daliyuan"),
      w("良品铺子", "lppz", "Bestore"),
      w("三只松鼠", "szss", "Three Squirrels"),
      w("乐事", "ls", "Lay's"),
      w("奥利奥", "aly", "Oreo"),
    ],
    [
      w("薯片", "sp", "potato chips"),
      w("饼干", "bg", "biscuits"),
      w("雪饼", "xb", "rice crackers"),
      w("坚果", "jg", "mixed nuts"),
      w("蛋黄派", "dhp", "custard pie"),
      w("牛肉干", "nrg", "beef jerky"),
    ],
    [w("70g", "70g", "70g"), w("150g", "150g", "150g"), w("家庭装", "jtz", "family pack")],
  ),
  packaged(
    ["10", "1002"],
    "粮油",
    9,
    "BAG",
    [1990, 15990],
    [
      w("金龙鱼", "jly", "Arawana"),
      w("福临门", "flm", "Fortune"),
      w("鲁花", "lh", "Luhua"),
      w("五常", "wc", "Wuchang"),
    ],
    [
      w("大米", "dm", "rice"),
      w("花生油", "hsy", "peanut oil"),
      w("调和油", "thy", "blended oil"),
      w("面粉", "mf", "wheat flour"),
    ],
    [w("5kg", "5kg", "5kg"), w("5L", "5l", "5L"), w("2.5kg", "25kg", "2.5kg")],
  ),
  packaged(
    ["10", "1003"],
    "调味品",
    13,
    "BTL",
    [390, 2990],
    [
      w("海天", "ht", "Haday"),
      w("李锦记", "ljj", "Lee Kum Kee"),
      w("老干妈", "lgm", "Laoganma"),
      w("太太乐", "ttl", "Totole"),
    ],
    [
      w("生抽", "sc", "light soy sauce"),
      w("老抽", "lc", "dark soy sauce"),
      w("蚝油", "hy", "oyster sauce"),
      w("陈醋", "cc", "aged vinegar"),
      w("辣椒酱", "ljj", "chili sauce"),
      w("鸡精", "jj", "chicken bouillon"),
    ],
    [w("500ml", "500ml", "500ml"), w("280g", "280g", "280g"), w("1.9L", "19l", "1.9L")],
  ),
  packaged(
    ["10", "1004"],
    "方便食品",
    13,
    "PACK",
    [250, 2490],
    [
      w("康师傅", "ksf", "Master Kong"),
      w("统一", "ty", "Uni-President"),
      w("白象", "bx", "Baixiang"),
      w("思念", "sn", "Synear"),
      w("三全", "sq", "Sanquan"),
    ],
    [
      w("红烧牛肉面", "hsnrm", "braised beef noodles"),
      w("老坛酸菜面", "ltscm", "pickled cabbage noodles"),
      w("速冻水饺", "sdsj", "frozen dumplings"),
      w("汤圆", "ty", "glutinous rice balls"),
    ],
    [w("单包", "db", "single"), w("5连包", "5lb", "5-pack"), w("500g", "500g", "500g")],
  ),
  packaged(
    ["12", "1201"],
    "洗护清洁",
    13,
    "BTL",
    [890, 6990],
    [
      w("蓝月亮", "byl", "Bluemoon"),
      w("立白", "lb", "Liby"),
      w("舒肤佳", "sfj", "Safeguard"),
      w("高露洁", "glj", "Colgate"),
      w("云南白药", "ynby", "Yunnan Baiyao"),
      w("海飞丝", "hfs", "Head & Shoulders"),
    ],
    [
      w("洗衣液", "xyy", "laundry liquid"),
      w("洗洁精", "xjj", "dish soap"),
      w("沐浴露", "myl", "shower gel"),
      w("牙膏", "yg", "toothpaste"),
      w("洗发水", "xfs", "shampoo"),
    ],
    [w("1kg", "1kg", "1kg"), w("500g", "500g", "500g"), w("120g", "120g", "120g")],
  ),
  packaged(
    ["12", "1202"],
    "纸品",
    13,
    "PACK",
    [990, 5990],
    [w("清风", "qf", "Breeze"), w("维达", "wd", "Vinda"), w("心相印", "xxy", "Hearttex")],
    [w("抽纸", "cz", "facial tissue"), w("卷纸", "jz", "toilet roll"), w("湿巾", "sj", "wet wipes")],
    [w("3层6包", "3c6b", "3-ply 6 packs"), w("10卷", "10j", "10 rolls"), w("80片", "80p", "80 sheets")],
  ),
  fresh(
    ["20", "2001"],
    "蔬菜",
    0,
    [198, 1598],
    [
      w("西红柿", "xhs", "tomato"),
      w("黄瓜", "hg", "cucumber"),
      w("土豆", "td", "potato"),
      w("大白菜", "dbc", "napa cabbage"),
      w("青椒", "qj", "green pepper"),
      w("胡萝卜", "hlb", "carrot"),
      w("西兰花", "xlh", "broccoli"),
      w("菠菜", "bc", "spinach"),
      w("茄子", "qz", "eggplant"),
      w("洋葱", "yc", "onion"),
    ],
  ),
  fresh(
    ["20", "2002"],
    "水果",
    9,
    [498, 3998],
    [
      w("富士苹果", "fspg", "Fuji apple"),
      w("香蕉", "xj", "banana"),
      w("砂糖橘", "stj", "mandarin"),
      w("葡萄", "pt", "grapes"),
      w("西瓜", "xg", "watermelon"),
      w("火龙果", "hlg", "dragon fruit"),
      w("猕猴桃", "mht", "kiwi"),
      w("梨", "l", "pear"),
    ],
  ),
  fresh(
    ["20", "2003"],
    "肉禽蛋",
    0,
    [1298, 7998],
    [
      w("猪五花肉", "zwhr", "pork belly"),
      w("猪里脊", "zlj", "pork tenderloin"),
      w("牛腩", "nn", "beef brisket"),
      w("鸡胸肉", "jxr", "chicken breast"),
      w("鸡蛋", "jd", "eggs"),
      w("排骨", "pg", "spare ribs"),
    ],
  ),
  fresh(
    ["20", "2004"],
    "水产",
    9,
    [1598, 12998],
    [
      w("鲈鱼", "ly", "sea bass"),
      w("草鱼", "cy", "grass carp"),
      w("基围虾", "jwx", "shrimp"),
      w("带鱼", "dy", "hairtail"),
    ],
  ),
  fresh(
    ["21", "2101"],
    "熟食烘焙",
    13,
    [1998, 8998],
    [
      w("卤牛肉", "lnr", "braised beef"),
      w("烤鸭", "ky", "roast duck"),
      w("白切鸡", "bqj", "poached chicken"),
      w("面包", "mb", "bread"),
    ],
  ),
];

export interface DemoCatalog {
  products: Product[];
  barcodes: Barcode[];
  prices: Price[];
  promotions: Promotion[];
}

/** About `target` products; deterministic for a seed. */
export function demoCatalog(target = 3000, seed = 20261125): DemoCatalog {
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const between = (lo: number, hi: number, step = 10) => lo + Math.floor((rand() * (hi - lo)) / step) * step;
  const products: Product[] = [];
  const barcodes: Barcode[] = [];
  const prices: Price[] = [];
  const seen = new Set<string>();
  let plu = 1;
  let company = 0;

  // Fresh goods: one product per item, with a scale PLU.
  for (const c of CATEGORIES.filter((c) => c.weighed)) {
    for (const item of c.items) {
      const sku = `2${String(products.length + 1).padStart(5, "0")}`;
      products.push({
        sku,
        name: item.zh,
        nameEn: item.en,
        category: [c.path[0], c.path[1]],
        unit: c.unit,
        taxRate: c.taxRate,
        weighed: true,
        plu: String(plu++),
        status: "active",
        pinyin: item.py,
      });
      // Per-kg prices end in 8, as produce boards do.
      prices.push({ sku, windows: [{ price: between(c.price[0], c.price[1], 10) + 8, source: "chain" }] });
    }
  }

  // Packaged goods: brand x item x spec until the target is reached.
  const packagedCats = CATEGORIES.filter((c) => !c.weighed);
  let guard = 0;
  while (products.length < target && guard++ < target * 20) {
    const c = pick(packagedCats);
    const brand = pick(c.brands);
    const item = pick(c.items);
    const spec = pick(c.specs);
    const variant = Math.floor(rand() * 4);
    const flavours = [
      w("", "", ""),
      w("原味", "yw", "original"),
      w("经典", "jd", "classic"),
      w("新品", "xp", "new"),
    ];
    const f = flavours[variant]!;
    const key = `${brand.zh}${item.zh}${f.zh}${spec.zh}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sku = `1${String(products.length + 1).padStart(5, "0")}`;
    products.push({
      sku,
      name: `${brand.zh}${item.zh}${f.zh ? ` ${f.zh}` : ""} ${spec.zh}`.slice(0, 80),
      nameEn: `${brand.en} ${item.en}${f.en ? ` ${f.en}` : ""} ${spec.en}`.slice(0, 80),
      category: [c.path[0], c.path[1]],
      unit: c.unit,
      taxRate: c.taxRate,
      weighed: false,
      status: "active",
      pinyin: `${brand.py}${item.py}${f.py}${spec.py}`.replace(/[^a-z0-9]/g, "").slice(0, 80),
    });
    // GS1 China: 690-699 + company number + item reference, then the check digit.
    company = (company + 1) % 9000;
    const body = `69${String(Math.floor(rand() * 10))}${String(1000 + company).padStart(4, "0")}${String(products.length).padStart(5, "0")}`;
    barcodes.push({ code: withCheckDigit(body.slice(0, 12)), sku });
    // Shelf prices end in 0 or 9 jiao-fen as Chinese shelves do.
    const base = between(c.price[0], c.price[1], 10);
    prices.push({
      sku,
      windows: [{ price: base - (rand() < 0.5 ? 10 : 0) + (rand() < 0.5 ? 9 : 0), source: "chain" }],
    });
  }

  const bySub = (code: string) => products.filter((p) => p.category[1] === code).map((p) => p.sku);
  const drinks = bySub("1101");
  const snacks = bySub("1001");
  const promotions: Promotion[] = [
    {
      id: "P-DRINK-3FOR10",
      name: "饮料任选3件10元",
      nameEn: "Any 3 drinks for ¥10",
      kind: "multi_buy",
      skus: drinks.slice(0, 40),
      count: 3,
      price: 1000,
    },
    {
      id: "P-SNACK-B2G1",
      name: "零食买二赠一",
      nameEn: "Snacks: buy 2 get 1",
      kind: "buy_x_get_y",
      skus: snacks.slice(0, 30),
      buy: 2,
      get: 1,
    },
    {
      id: "P-FRUIT-20OFF",
      name: "水果8折",
      nameEn: "Fruit 20% off",
      kind: "percent_off",
      categories: ["2002"],
      percent: 20,
    },
    {
      id: "P-OIL-SPECIAL",
      name: "食用油特价",
      nameEn: "Cooking oil special",
      kind: "special_price",
      skus: bySub("1002").slice(0, 5),
      price: 4990,
    },
    {
      id: "P-MEMBER-DAIRY",
      name: "乳品会员价",
      nameEn: "Dairy member price",
      kind: "member_price",
      categories: ["1102"],
      price: 990,
      tiers: ["gold", "platinum"],
    },
    {
      id: "P-MANJIAN-100-20",
      name: "每满100减20",
      nameEn: "¥20 off every ¥100",
      kind: "threshold",
      min: 10000,
      off: 2000,
      repeat: true,
      cap: 6000,
    },
    {
      id: "P-MANZHE-300",
      name: "满300享95折",
      nameEn: "5% off ¥300+",
      kind: "threshold_percent",
      min: 30000,
      percent: 5,
      priority: 200,
    },
    {
      id: "P-COUPON-10OFF",
      name: "新客券满50减10",
      nameEn: "Welcome coupon ¥10 off ¥50",
      kind: "threshold",
      min: 5000,
      off: 1000,
      couponCode: "WELCOME10",
    },
    {
      id: "P-MEMBER-20OFF",
      name: "会员券满100减20",
      nameEn: "Member coupon ¥20 off ¥100",
      kind: "threshold",
      min: 10000,
      off: 2000,
      couponCode: "VIP20",
    },
  ];
  return { products, barcodes, prices, promotions };
}

export const DEMO_STORES = [
  { id: "S001", name: "上海徐汇店", region: "EAST", ring: "pilot", address: "上海市徐汇区漕溪北路 88 号" },
  { id: "S002", name: "上海浦东店", region: "EAST", ring: "main", address: "上海市浦东新区张杨路 500 号" },
  { id: "S003", name: "北京朝阳店", region: "NORTH", ring: "main", address: "北京市朝阳区建国路 93 号" },
] as const;

export const DEMO_CASHIERS = [
  { id: "1001", name: "张敏", role: "cashier", pin: "1234" },
  { id: "1002", name: "李娜", role: "cashier", pin: "1234" },
  { id: "9001", name: "王强", role: "supervisor", pin: "9999" },
] as const;

/** WELCOME10 is a campaign code anyone may present (multi-use); its coupon record binds it. */
export const DEMO_COUPONS = [
  { code: "WELCOME10", promotionId: "P-COUPON-10OFF", status: "issued", multiUse: true },
] as const;

/** One-time member coupons issued through HQ's coupon API at first start (codes fixed for the demo). */
export const DEMO_MEMBER_COUPONS = {
  promotionId: "P-MEMBER-20OFF",
  memberIds: ["M000001", "M000002", "M000003"],
  codes: ["VIP20-CHENJING", "VIP20-LIUYANG", "VIP20-ZHAOLEI"],
} as const;

export const DEMO_MEMBERS = [
  { id: "M000001", phone: "13800138000", name: "陈静", tier: "gold", points: 1280 },
  { id: "M000002", phone: "13912345678", name: "刘洋", tier: "silver", points: 320 },
  { id: "M000003", phone: "13700001111", name: "赵磊", tier: "platinum", points: 8800 },
] as const;
