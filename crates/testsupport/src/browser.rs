//! Headless Chromium driven over the DevTools protocol on a pipe
//! (`--remote-debugging-pipe`: JSON messages ending in a NUL byte, read by
//! Chromium from its fd 3 and written to its fd 4), so a test can ask the
//! page itself (`Runtime.evaluate`) and take a screenshot of what it shows
//! (`Page.captureScreenshot`) while the page keeps running: no reload, no
//! WebSocket client, no port.

use std::{
    io::{BufRead, BufReader, Write},
    os::{fd::OwnedFd, unix::net::UnixStream},
    process::{Command, Stdio},
    time::Duration,
};

use base64::Engine as _;
use serde_json::{json, Value};

use crate::{Proc, Rgb, TempDir};

/// How long one DevTools call may take before the test fails.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// A headless Chromium showing one page; killed on drop.
pub struct Browser {
    proc: Proc,
    pipe: UnixStream,
    replies: BufReader<UnixStream>,
    next_id: u64,
    /// The page's DevTools session.
    session: String,
}

impl Browser {
    /// Starts Chromium (a `width` x `height` window, its profile in `profile`)
    /// and opens `url` in its one page.
    pub fn open(url: &str, profile: &TempDir, (width, height): (u32, u32)) -> Browser {
        crate::need_tool("chromium", "chromium");
        let (ours, theirs) = UnixStream::pair().expect("a socket pair");
        // The shell hands its standard input (our socket's other end) to Chromium as fds 3 and 4.
        let proc = Proc::spawn(
            Command::new("sh")
                .arg("-c")
                .arg("exec \"$0\" \"$@\" 3<&0 4>&0 0</dev/null")
                .arg("chromium")
                .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
                .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
                .args(["--autoplay-policy=no-user-gesture-required", "--remote-debugging-pipe"])
                // The web view's WebRTC candidate is the address the page came from: loopback here.
                .arg("--allow-loopback-in-peer-connection")
                .arg(format!("--window-size={width},{height}"))
                .arg(format!("--user-data-dir={}", profile.0.display()))
                .arg("about:blank")
                .stdin(Stdio::from(OwnedFd::from(theirs))),
        );
        ours.set_read_timeout(Some(CALL_TIMEOUT)).expect("a read timeout");
        let replies = BufReader::new(ours.try_clone().expect("the socket again"));
        let mut browser = Browser { proc, pipe: ours, replies, next_id: 0, session: String::new() };
        let target = crate::poll_until("Chromium's page", 30, || {
            let targets = browser.call_in(None, "Target.getTargets", json!({}));
            let pages = targets["targetInfos"].as_array()?.iter().find(|t| t["type"] == "page").cloned();
            pages.map(|t| t["targetId"].as_str().unwrap().to_string())
        });
        let attached = browser.call_in(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true }));
        browser.session = attached["sessionId"].as_str().expect("a session id").to_string();
        browser.call("Page.navigate", json!({ "url": url }));
        browser
    }

    /// Calls `method` on the page; its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.call_in(Some(&session), method, params)
    }

    /// Calls `method` in `session` (or on the browser); the reply's result, events skipped.
    fn call_in(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.request(session, method, params).unwrap_or_else(|error| panic!("Chromium refused {method}: {error}"))
    }

    /// Calls `method` in `session` (or on the browser): the reply's result, or its error.
    fn request(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        if let Err(e) = self.pipe.write_all(&bytes) {
            panic!("Chromium's DevTools pipe ({method}): {e}; Chromium said: {:?}", self.proc.err());
        }
        loop {
            let mut reply = Vec::new();
            match self.replies.read_until(0, &mut reply) {
                Ok(n) if n > 0 && reply.last() == Some(&0) => {}
                Ok(_) => panic!("Chromium closed its DevTools pipe ({method}); it said: {:?}", self.proc.err()),
                Err(e) => panic!("no answer from Chromium to {method}: {e}; it said: {:?}", self.proc.err()),
            }
            reply.pop();
            let reply: Value = serde_json::from_slice(&reply).expect("DevTools replies are JSON");
            if reply["id"] != id {
                continue;
            }
            return match reply.get("error") {
                Some(error) => Err(error.clone()),
                None => Ok(reply["result"].clone()),
            };
        }
    }

    /// The value of the JavaScript `expression` in the page (a promise is awaited); a thrown
    /// exception fails the test.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
    }

    /// [`Self::eval`], or why it gave no value (an exception, or a page on its way to another).
    pub fn try_eval(&mut self, expression: &str) -> Result<Value, String> {
        let session = self.session.clone();
        let params = json!({ "expression": expression, "returnByValue": true, "awaitPromise": true });
        let result = self.request(Some(&session), "Runtime.evaluate", params).map_err(|e| e.to_string())?;
        match result.get("exceptionDetails") {
            Some(exception) => Err(exception.to_string()),
            None => Ok(result["result"]["value"].clone()),
        }
    }

    /// What the page shows now, at one picture pixel per CSS pixel.
    pub fn screenshot(&mut self) -> Rgb {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64 screenshot");
        Rgb::from_image(image::load_from_memory(&png).expect("a PNG screenshot"))
    }
}
