"""Places of the science city, placed from knowledge of the place.

None of these positions is surveyed or taken from a data set: each was placed
by the geosci authors from their knowledge of Chongqing's geography, in
WGS84, and carries an honest radius (metres) within which the real place is
expected to lie. They are the anchors that the curated point and line
features are built from; ``layers/build.py`` copies the accuracy into every
feature that uses them. Replace them with surveyed positions (``geosci
import``) wherever a planner has better data.

key: (lon, lat, accuracy_m, name_zh, name_en)
"""

from __future__ import annotations

PLACES: dict[str, tuple[float, float, int, str, str]] = {
    # --- towns and streets of the core (重庆高新区直管园) and their neighbours
    "huxi": (106.305, 29.600, 800, "虎溪街道", "Huxi Subdistrict"),
    "xianglushan": (106.352, 29.566, 1000, "香炉山街道", "Xianglushan Subdistrict"),
    "xiyong": (106.338, 29.585, 800, "西永街道", "Xiyong Subdistrict"),
    "zengjia": (106.338, 29.647, 1000, "曾家镇", "Zengjia Town"),
    "hangu": (106.383, 29.538, 1000, "含谷镇", "Hangu Town"),
    "jinfeng": (106.390, 29.500, 1000, "金凤镇", "Jinfeng Town"),
    "baishiyi": (106.362, 29.470, 800, "白市驿镇", "Baishiyi Town"),
    "bafu": (106.350, 29.420, 1000, "巴福镇", "Bafu Town"),
    "shiban": (106.388, 29.398, 1000, "石板镇", "Shiban Town"),
    "zouma": (106.310, 29.370, 1000, "走马镇", "Zouma Town"),
    # neighbours (used only to bound the core's approximate extent)
    "chenjiaqiao": (106.322, 29.622, 800, "陈家桥街道", "Chenjiaqiao Subdistrict"),
    "tuzhu": (106.370, 29.665, 1000, "土主街道", "Tuzhu Subdistrict"),
    "qingmuguan": (106.315, 29.690, 1000, "青木关镇", "Qingmuguan Town"),
    "fenghuang_spb": (106.372, 29.628, 1000, "凤凰镇", "Fenghuang Town"),
    "zhongliangshan": (106.440, 29.540, 1000, "中梁山街道", "Zhongliangshan Subdistrict"),
    "huayan": (106.445, 29.495, 1000, "华岩镇", "Huayan Town"),
    "tiaodeng": (106.405, 29.369, 1000, "跳磴镇", "Tiaodeng Town"),
    "taojia": (106.420, 29.420, 1500, "陶家镇", "Taojia Town"),
    "xipeng": (106.330, 29.330, 1000, "西彭镇", "Xipeng Town"),
    "tongguanyi": (106.395, 29.305, 1500, "铜罐驿镇", "Tongguanyi Town"),
    "bishan_city": (106.225, 29.592, 800, "璧山城区", "Bishan urban area"),
    "dingjia": (106.275, 29.540, 1500, "丁家街道", "Dingjia Subdistrict"),
    "laifeng": (106.200, 29.500, 1500, "来凤街道", "Laifeng Subdistrict"),
    "shuangfu": (106.290, 29.395, 1000, "双福街道", "Shuangfu Subdistrict"),
    "degan": (106.235, 29.305, 1500, "德感街道", "Degan Subdistrict"),
    "jiangjin_city": (106.260, 29.290, 1000, "江津城区", "Jiangjin urban area"),
    "shapingba_city": (106.457, 29.557, 500, "沙坪坝城区", "Shapingba urban area"),
    "beibei_city": (106.435, 29.823, 800, "北碚城区", "Beibei urban area"),
    "xiema": (106.365, 29.745, 1500, "歇马街道", "Xiema Subdistrict"),
    "caijia": (106.480, 29.720, 1500, "蔡家岗街道", "Caijiagang Subdistrict"),
    "shuitu": (106.560, 29.780, 1500, "水土街道", "Shuitu Subdistrict"),
    "jingkou": (106.440, 29.640, 1500, "井口街道", "Jingkou Subdistrict"),
    "yuelai": (106.545, 29.720, 1500, "悦来街道", "Yuelai Subdistrict"),
    "chongqing_west": (106.444, 29.509, 500, "重庆西站", "Chongqing West Railway Station"),
    "chenjiaping": (106.478, 29.527, 800, "陈家坪", "Chenjiaping"),
    # --- landmarks, parks and bases of the core
    "science_hall": (106.378, 29.553, 1500, "科学会堂", "Science Hall"),
    "science_valley": (106.385, 29.546, 1500, "科学谷", "Science Valley"),
    "science_park": (106.372, 29.560, 1500, "科学公园", "Science Park"),
    "fengqi_lake": (106.365, 29.515, 1500, "凤栖湖", "Fengqi Lake"),
    "everbright_ai": (106.395, 29.530, 1500, "光大人工智能产业基地", "Everbright AI Industrial Base"),
    "jinfeng_biomed": (106.378, 29.505, 1500, "金凤生物医药产业园", "Jinfeng Biomedicine Industrial Park"),
    "xiyong_micro": (106.345, 29.595, 1000, "西永微电园", "Xiyong Microelectronics Industrial Park"),
    "xiyong_bonded": (106.355, 29.578, 1000, "西永综合保税区", "Xiyong Comprehensive Bonded Zone"),
    "facility_zone": (106.330, 29.632, 2000, "重大科技基础设施集聚区", "Major science facilities cluster zone"),
    "hangu_smart_mfg": (106.392, 29.540, 1500, "高新区智能制造产业园", "High-tech Zone Smart Manufacturing Park"),
    "shiban_health": (106.390, 29.405, 1500, "石板大健康板块", "Shiban Health Industry Block"),
    "shiban_nev": (106.375, 29.390, 1500, "石板新能源及智能网联汽车产业园", "Shiban NEV and Connected Vehicle Park"),
    "bafu_health": (106.352, 29.425, 1500, "巴福大健康智能制造集群", "Bafu Health Smart Manufacturing Cluster"),
    # --- universities (campuses in the University Town unless noted)
    "cqu_huxi": (106.298, 29.591, 600, "重庆大学虎溪校区", "Chongqing University, Huxi Campus"),
    "cqmu_jinyun": (106.315, 29.613, 600, "重庆医科大学缙云校区", "Chongqing Medical University, Jinyun Campus"),
    "cqnu_uc": (106.305, 29.619, 600, "重庆师范大学大学城校区", "Chongqing Normal University, University Town Campus"),
    "scfai_huxi": (106.291, 29.602, 600, "四川美术学院虎溪校区", "Sichuan Fine Arts Institute, Huxi Campus"),
    "cqust": (106.312, 29.586, 600, "重庆科技学院", "Chongqing University of Science and Technology"),
    "swu": (106.427, 29.823, 800, "西南大学", "Southwest University (Beibei)"),
    # --- industrial parks and places named in seed 002 §6 and §9
    "qingfeng_park": (106.345, 29.690, 2000, "青凤高科产业园", "Qingfeng High-tech Industrial Park"),
    "wuyun_lake": (106.395, 29.680, 2000, "五云湖", "Wuyun Lake"),
    "huangjinwan": (106.330, 29.640, 2000, "黄金湾", "Huangjinwan"),
    "logistics_hub": (106.420, 29.610, 2000, "重庆国际物流枢纽园", "Chongqing International Logistics Hub Park"),
    "xipeng_park": (106.325, 29.340, 2000, "西彭工业园", "Xipeng Industrial Park"),
    "jiulong_park": (106.410, 29.440, 2500, "九龙工业园", "Jiulong Industrial Park"),
    "shuangfu_park": (106.285, 29.410, 2000, "双福工业园", "Shuangfu Industrial Park"),
    "degan_park": (106.225, 29.310, 2000, "德感工业园", "Degan Industrial Park"),
    "bishan_hitech": (106.240, 29.560, 2500, "璧山高新区", "Bishan High-tech Zone"),
    "beibei_hitech": (106.470, 29.760, 3000, "北碚区产业园区（蔡家/水土一带）", "Beibei industrial parks (Caijia-Shuitu area)"),
    # --- region ("一城多园")
    "chengdu_sc": (104.070, 30.400, 15000, "西部（成都）科学城", "Western (Chengdu) Science City"),
    "liangjiang_ci": (106.640, 29.720, 10000, "重庆两江协同创新区", "Chongqing Liangjiang Collaborative Innovation Zone"),
    "chongqing_sc": (106.350, 29.550, 10000, "西部（重庆）科学城", "Western (Chongqing) Science City"),
    "mianyang_stc": (104.680, 31.470, 15000, "中国（绵阳）科技城", "China (Mianyang) Science and Technology City"),
    "jianyang": (104.550, 30.410, 5000, "简阳", "Jianyang"),
    "lezhi": (105.020, 30.280, 5000, "乐至", "Lezhi"),
    "anyue": (105.340, 30.100, 5000, "安岳", "Anyue"),
    "dazu": (105.720, 29.710, 5000, "大足", "Dazu"),
    "tongliang": (106.055, 29.845, 5000, "铜梁", "Tongliang"),
    "chongqing_centre": (106.550, 29.560, 5000, "重庆主城", "Chongqing central city"),
    "chengdu_centre": (104.065, 30.660, 5000, "成都主城", "Chengdu central city"),
}
