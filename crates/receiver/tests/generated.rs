//! `cam-recv`'s shell completions and man page in `share/` match its command line.

use camwire_testsupport::generated;
use clap::CommandFactory;

#[test]
fn completions_and_man_page_match_the_command_line() {
    generated::check(camwire_receiver::cli::Args::command(), "cam-recv");
}
