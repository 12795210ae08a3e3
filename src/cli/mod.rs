//! Headless subcommands, one file each.

pub mod app;
pub mod check;
pub mod simulate;
