//! gatelab: learn to protect APIs on Amazon API Gateway by breaking and fixing
//! a faithful simulation of it.
//!
//! The library holds everything but the terminal's event loop: the simulated
//! gateway ([`gateway`]), scenarios ([`scenario`]), the lab ([`lab`]), the
//! course content ([`content`]), quizzes ([`quiz`]) and progress ([`progress`]).

pub mod cli;
pub mod content;
pub mod demo;
pub mod diag;
pub mod gateway;
pub mod lab;
pub mod progress;
pub mod quiz;
pub mod quiz_lab;
pub mod scenario;
pub mod tui;
