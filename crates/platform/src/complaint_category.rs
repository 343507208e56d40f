//! The complaint category taxonomy (诉求分类), shared by the complaints
//! service and the reports that name categories. Codes are stable; the two
//! the township report names (违法建设, 行政执法行为) are first.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_categories_the_township_report_names_are_in_the_taxonomy() {
        assert_eq!(
            category_by_code("illegal_construction").map(|c| c.name),
            Some("违法建设")
        );
        let conduct = category_by_code("enforcement_conduct").unwrap();
        assert_eq!(conduct.name, "行政执法行为");
        assert!(conduct.concerns_enforcement_conduct);
    }

    #[test]
    fn category_codes_are_unique() {
        let mut codes: Vec<_> = CATEGORIES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATEGORIES.len());
    }
}
