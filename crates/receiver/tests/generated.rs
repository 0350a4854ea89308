//! `cam-recv`'s shell completions and man page in `dist/` match its command line.

#[path = "common/generated.rs"]
mod generated;

use clap::CommandFactory;

#[test]
fn completions_and_man_page_match_the_command_line() {
    generated::check(camwire_receiver::cli::Args::command(), "cam-recv");
}
