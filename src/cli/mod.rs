//! Headless subcommands, one file each.

pub mod app;
pub mod check;
pub mod class;
pub mod demo;
pub mod quiz;
pub mod reset;
pub mod simulate;
