//! Agreement between coders (being written).
