//! `thema init`: write a commented study file.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use crate::Result;
use crate::output::OutputFile;
use crate::study::{STUDY_FILE, TEMPLATE};

/// Write a commented thema.toml in the current folder.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  thema init && $EDITOR thema.toml && thema report")]
pub struct InitArgs {
    /// Replace an existing thema.toml.
    #[arg(long)]
    force: bool,
}

pub fn run(args: InitArgs) -> Result<ExitCode> {
    let file = OutputFile::check(Path::new(STUDY_FILE), args.force)?;
    file.write(TEMPLATE.as_bytes())?;
    println!("wrote {STUDY_FILE}: set `inputs` and the rest, then run `thema report`");
    Ok(ExitCode::SUCCESS)
}
