//! `cam-send`: parse the command line, then hand over to [`camwire_sender::run`].

use std::process::ExitCode;

use camwire_sender::{cli::Args, init_logging, parse_args, run, shutdown_on_signals};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Args = parse_args("cam-send");
    init_logging(args.quiet, args.verbose);
    if args.list_cameras {
        return match camwire_sender::source::list_cameras() {
            Ok(list) => {
                print!("{list}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cam-send: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match args.into_config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("cam-send: {e:#}");
            return ExitCode::from(2);
        }
    };
    match run(config, shutdown_on_signals()).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cam-send: {e:#}");
            ExitCode::FAILURE
        }
    }
}
