//! WebVTT captions (being written).
