//! The category taxonomy (诉求分类). Codes are stable; the two the township
//! report names (违法建设, 行政执法行为) are first.

/// One category of the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub code: &'static str,
    pub name: &'static str,
    /// Reports in this category concern enforcement conduct: never routed to,
    /// nor readable by, the officer or unit they name.
    pub concerns_enforcement_conduct: bool,
}

const fn category(code: &'static str, name: &'static str) -> Category {
    Category {
        code,
        name,
        concerns_enforcement_conduct: false,
    }
}

pub const CATEGORIES: &[Category] = &[
    category("illegal_construction", "违法建设"),
    Category {
        code: "enforcement_conduct",
        name: "行政执法行为",
        concerns_enforcement_conduct: true,
    },
    category("environment", "生态环境"),
    category("market", "市场监管"),
    category("land", "土地管理"),
    category("sanitation", "环境卫生"),
    category("traffic", "交通运输"),
    category("neighbour_dispute", "邻里纠纷"),
    category("wages", "劳动报酬"),
    category("other", "其他"),
];

pub fn category_by_code(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}
