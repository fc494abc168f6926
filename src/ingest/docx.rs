//! Word .docx and OpenDocument .odt (being written).
