//! The demo county's shape: its townships and villages, and how much each
//! township records in a year. 老城镇 is shaped like the township report
//! the system exists to serve (43 villages and communities, 19 certificate
//! holders of whom 7 at section level, some 700 complaints a year).

/// A small deterministic generator, so every demo county is the same.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }

    /// One of `weighted` (value, weight) pairs.
    pub fn pick<T: Copy>(&mut self, weighted: &[(T, u64)]) -> T {
        let total: u64 = weighted.iter().map(|(_, w)| w).sum();
        let mut at = self.below(total);
        for (value, weight) in weighted {
            if at < *weight {
                return *value;
            }
            at -= weight;
        }
        weighted[0].0
    }
}

pub struct Township {
    pub code: &'static str,
    pub name: &'static str,
    pub villages: usize,
    /// Officers in enforcement posts, and of them at section level.
    pub officers: usize,
    pub section_level: usize,
    /// Complaints, cases and outreach events in a whole year.
    pub complaints_per_year: usize,
    pub cases_per_year: usize,
    pub outreach_per_year: usize,
}

pub const COUNTY: (&str, &str) = ("411624", "沈丘县");

pub const TOWNSHIPS: &[Township] = &[
    Township {
        code: "411624100",
        name: "老城镇",
        villages: 43,
        officers: 20,
        section_level: 7,
        complaints_per_year: 720,
        cases_per_year: 36,
        outreach_per_year: 12,
    },
    Township {
        code: "411624101",
        name: "槐店回族镇",
        villages: 24,
        officers: 14,
        section_level: 5,
        complaints_per_year: 420,
        cases_per_year: 24,
        outreach_per_year: 9,
    },
    Township {
        code: "411624102",
        name: "刘庄店镇",
        villages: 18,
        officers: 10,
        section_level: 3,
        complaints_per_year: 260,
        cases_per_year: 14,
        outreach_per_year: 6,
    },
    Township {
        code: "411624103",
        name: "留福镇",
        villages: 16,
        officers: 9,
        section_level: 3,
        complaints_per_year: 210,
        cases_per_year: 11,
        outreach_per_year: 7,
    },
    Township {
        code: "411624104",
        name: "赵德营镇",
        villages: 20,
        officers: 11,
        section_level: 4,
        complaints_per_year: 240,
        cases_per_year: 12,
        outreach_per_year: 5,
    },
];

const VILLAGE_NAMES: &[&str] = &[
    "西关", "东关", "南关", "北关", "王庄", "李庄", "张庄", "刘庄", "陈营", "杨楼", "赵集", "黄庄",
    "周寨", "吴庄", "徐营", "孙楼", "马庄", "朱集", "胡庄", "郭楼", "何庄", "高营", "林庄", "罗寨",
    "郑庄", "梁营", "谢楼", "宋庄", "唐集", "许庄", "韩营", "冯楼", "邓庄", "曹寨", "彭庄", "曾营",
    "肖楼", "田庄", "董集", "袁庄", "潘营", "于楼", "蒋庄", "蔡寨", "余庄", "杜营", "叶楼", "程庄",
];

/// A township's villages and communities: code and name.
pub fn villages(t: &Township) -> Vec<(String, String)> {
    (0..t.villages)
        .map(|i| {
            let name = VILLAGE_NAMES[i % VILLAGE_NAMES.len()];
            let suffix = if (1..4).contains(&i) { "社区" } else { "村" };
            (
                format!("{}{:03}", t.code, 201 + i),
                format!("{name}{suffix}"),
            )
        })
        .collect()
}

/// Complaint categories by how often they come.
pub const CATEGORIES: &[(&str, u64)] = &[
    ("illegal_construction", 34),
    ("enforcement_conduct", 9),
    ("environment", 12),
    ("sanitation", 11),
    ("land", 8),
    ("neighbour_dispute", 9),
    ("wages", 6),
    ("traffic", 5),
    ("market", 4),
    ("other", 2),
];

/// Complaint channels (proto values) by how often they come.
pub const CHANNELS: &[(i32, u64)] = &[(1, 58), (2, 8), (3, 10), (4, 18), (5, 6)];

pub const OUTREACH_THEMES: &[&str] = &[
    "“4·15”全民国家安全教育日法治宣传",
    "“12·4”国家宪法日法治宣传",
    "《民法典》宣传进村",
    "送法进校园",
    "《农村土地承包法》宣讲",
    "《村民委员会组织法》宣讲",
];
