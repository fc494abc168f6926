//! thema: code transcribed interviews with a codebook and analyse the codings.
//!
//! The data flows one way: [`ingest`] reads files into a [`corpus`], the coding [`engine`]
//! applies a [`codebook`], [`analysis`] turns codings into tables and [`output`] writes them;
//! [`html`] makes the shareable report and charts from the analyses; [`review`] lets a
//! person check the codings one by one; [`manifest`] records what a `thema code` run coded
//! with what. [`cli`] wires the subcommands to that pipeline.

pub mod analysis;
pub mod cli;
pub mod codebook;
pub mod columns;
pub mod corpus;
/// Coded datasets in parts (Parquet), written by `thema code --format dataset` and read by
/// every analysis with `--coded DIR`.
pub mod dataset;
pub mod engine;
pub mod error;
pub mod html;
pub mod ingest;
pub mod learn;
pub mod llm;
pub mod manifest;
pub mod output;
pub mod privacy;
pub mod refi;
pub mod review;
pub mod stats;
pub mod study;
pub mod text;
/// Safe reading of untrusted zip archives, shared by [`ingest`] (Word and OpenDocument
/// files) and [`refi`] (REFI-QDA projects).
pub mod zipsafe;

pub use error::{Error, Result};
