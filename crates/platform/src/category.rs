//! Enforcement categories (执法类别): the fields of law an enforcement
//! certificate covers and an enforcement power belongs to. A certificate
//! lets its holder act only within its categories, so the training service
//! (certificates) and the cases service (the power list) speak one list.

use crate::coded_enum;

coded_enum! {
    /// A field of administrative enforcement, as printed on a certificate.
    EnforcementCategory {
        /// 综合行政执法: the township comprehensive enforcement brigade's.
        Comprehensive => "comprehensive",
        /// 自然资源 (land, mineral resources).
        NaturalResources => "natural_resources",
        /// 住房和城乡建设 (planning, construction, city appearance).
        HousingConstruction => "housing_construction",
        /// 生态环境.
        EcologyEnvironment => "ecology_environment",
        /// 市场监管.
        MarketRegulation => "market_regulation",
        /// 应急管理 (work safety, fire).
        EmergencyManagement => "emergency_management",
        /// 农业农村.
        Agriculture => "agriculture",
        /// 交通运输.
        Transport => "transport",
        /// 文化和旅游.
        CultureTourism => "culture_tourism",
        /// 卫生健康.
        Health => "health",
        /// 水利.
        WaterResources => "water_resources",
        /// 林业.
        Forestry => "forestry",
    }
}

impl EnforcementCategory {
    /// The name printed on a certificate.
    pub fn name_zh(self) -> &'static str {
        match self {
            EnforcementCategory::Comprehensive => "综合行政执法",
            EnforcementCategory::NaturalResources => "自然资源",
            EnforcementCategory::HousingConstruction => "住房和城乡建设",
            EnforcementCategory::EcologyEnvironment => "生态环境",
            EnforcementCategory::MarketRegulation => "市场监管",
            EnforcementCategory::EmergencyManagement => "应急管理",
            EnforcementCategory::Agriculture => "农业农村",
            EnforcementCategory::Transport => "交通运输",
            EnforcementCategory::CultureTourism => "文化和旅游",
            EnforcementCategory::Health => "卫生健康",
            EnforcementCategory::WaterResources => "水利",
            EnforcementCategory::Forestry => "林业",
        }
    }
}

/// The contract's number for `category` (`common.v1.EnforcementCategory`),
/// for every service that carries one.
pub fn to_proto(category: EnforcementCategory) -> i32 {
    crate::proto_enum::to_proto(category, PROTO_PREFIX, |name| {
        fazhi_proto::common::v1::EnforcementCategory::from_str_name(name).map(|v| v as i32)
    })
}

/// The category the contract's number `value` of `field` stands for:
/// `None` when unset, an error naming the codes for a number none has.
pub fn from_proto(field: &str, value: i32) -> Result<Option<EnforcementCategory>, crate::Error> {
    crate::proto_enum::from_proto(field, value, PROTO_PREFIX, |v| {
        fazhi_proto::common::v1::EnforcementCategory::try_from(v)
            .ok()
            .map(|p| p.as_str_name())
    })
}

const PROTO_PREFIX: &str = "ENFORCEMENT_CATEGORY_";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_reads_back_from_its_code_and_has_a_name() {
        for category in EnforcementCategory::ALL {
            assert_eq!(
                EnforcementCategory::from_code(category.code()),
                Some(*category)
            );
            assert!(!category.name_zh().is_empty());
        }
        assert_eq!(EnforcementCategory::from_code("police"), None);
    }
}
