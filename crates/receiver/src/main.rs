//! `cam-recv`: parse the command line, then hand over to [`camwire_receiver::run`].

use std::process::ExitCode;

use camwire_receiver::{cli::Args, init_logging, parse_args, run, shutdown_on_signals};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Args = parse_args("cam-recv");
    init_logging(args.quiet, args.verbose);
    let config = match args.into_config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("cam-recv: {e:#}");
            return ExitCode::from(2);
        }
    };
    // Scripts parse the summary lines on stdout, one per stream as it ends.
    match run(config, shutdown_on_signals(), |summary| println!("{summary}")).await {
        Ok(outcome) if outcome.success => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cam-recv: {e:#}");
            ExitCode::FAILURE
        }
    }
}
