//! SubRip subtitles (being written).
