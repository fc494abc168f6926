//! `thema export qdpx`, `thema import qdpx` (being written).
