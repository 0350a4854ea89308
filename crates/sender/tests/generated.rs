//! `cam-send`'s shell completions and man page in `share/` match its command line.

use camwire_testsupport::generated;
use clap::CommandFactory;

#[test]
fn completions_and_man_page_match_the_command_line() {
    // Written as the packaged camera build says it, whatever this build's features.
    let cmd = camwire_sender::cli::Args::command()
        .version(env!("CARGO_PKG_VERSION"))
        .mut_arg("source", |a| a.default_value("libcamera"));
    generated::check(cmd, "cam-send");
}
