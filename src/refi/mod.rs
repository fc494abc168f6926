//! REFI-QDA exchange (being written).
