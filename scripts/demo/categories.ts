// The demo catalog's categories as data: for each, its path, name, VAT rate, unit, price range and
// the brands, items and specs that catalog.ts combines into products. VAT rates follow Chinese
// retail: 13% packaged goods, 9% grain/oil/fruit/aquatic, 0% vegetables, meat and eggs.
import type { Product } from "@retail/protocol";

export interface Word {
  zh: string;
  py: string;
  en: string;
}
export const w = (zh: string, py: string, en: string): Word => ({ zh, py, en });

export interface CategorySpec {
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
