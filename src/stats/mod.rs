//! Statistics for the analyses: tests of independence and effect sizes for contingency
//! tables, and agreement coefficients between coders.

pub mod agreement;
pub mod contingency;
