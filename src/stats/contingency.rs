//! Contingency tables: tests of independence and effect sizes (being written).
